// WUB IKM officer console: small helpers on top of pages that work without them.
"use strict";

// Ask once more before a destructive form is sent (the server asks for a tick-box anyway).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// "Choose all" boxes tick every box of the named field.
document.querySelectorAll("input[data-check-all]").forEach((box) => {
  box.addEventListener("change", () => {
    const name = box.dataset.checkAll;
    box.form?.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((other) => {
      other.checked = box.checked;
    });
  });
});

// The broadcast form shows how many people the chosen audience reaches as it changes.
const compose = document.getElementById("compose");
if (compose instanceof HTMLFormElement) {
  const out = document.getElementById("audience-count");
  const url = compose.dataset.countUrl;
  let pending = 0;
  const refresh = async () => {
    const ticket = ++pending;
    const params = new URLSearchParams();
    for (const name of ["kind", "session", "kecamatan", "sector"]) {
      const field = compose.elements.namedItem(name);
      if (field && "value" in field) params.set(name, field.value);
    }
    try {
      const answer = await fetch(`${url}?${params}`, { credentials: "same-origin" });
      const data = await answer.json();
      if (ticket === pending && out) out.textContent = data.text || data.error || "";
    } catch (error) {
      if (ticket === pending && out) out.textContent = "";
    }
  };
  compose.querySelectorAll("[data-audience]").forEach((field) => {
    field.addEventListener("change", refresh);
  });
  refresh();
}
