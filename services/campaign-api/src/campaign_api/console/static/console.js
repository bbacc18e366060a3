// The console's script: keeps campaigns' progress live and drives the campaign wizard.
// It holds no text of its own: every word it shows comes from the server's pages.
"use strict";

const LIVE_EVERY_MS = 2000;

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function formatNumber(value) {
  return new Intl.NumberFormat(document.documentElement.lang).format(value);
}

function drawProgress(id, state) {
  const bar = document.querySelector(`[data-progress="${id}"]`);
  const counts = document.querySelector(`[data-counts="${id}"]`);
  if (bar) {
    for (const part of bar.querySelectorAll("[data-part]")) {
      part.style.width = `${state[`${part.dataset.part}_share`]}%`;
    }
  }
  if (counts) {
    for (const count of counts.querySelectorAll("[data-count]")) {
      count.textContent = formatNumber(state[count.dataset.count]);
    }
  }
  const row = document.querySelector(`[data-campaign="${id}"]`);
  if (row) {
    const status = row.querySelector("[data-status]");
    if (status && status.textContent !== state.status_label) {
      status.textContent = state.status_label;
      status.className = `status ${state.status}`;
    }
    if (state.finished) {
      row.dataset.finished = "true";
      const cancel = row.querySelector("[data-cancel]");
      if (cancel) cancel.remove();
    }
  }
}

async function refreshLive(source) {
  const rows = [...document.querySelectorAll('[data-campaign][data-finished="false"]')];
  if (rows.length === 0) return false;
  const query = rows.map((row) => `ids=${encodeURIComponent(row.dataset.campaign)}`).join("&");
  const answer = await fetch(`${source}?${query}`, { headers: { Accept: "application/json" } });
  if (!answer.ok) return true;
  const states = await answer.json();
  for (const [id, state] of Object.entries(states)) drawProgress(id, state);
  return true;
}

function startLive() {
  const holder = document.querySelector("[data-live]");
  if (!holder) return;
  const source = holder.dataset.live;
  const tick = async () => {
    let more = true;
    try { more = await refreshLive(source); } catch (error) { more = true; }
    if (more) setTimeout(tick, LIVE_EVERY_MS);
    else if (holder.dataset.reloadWhenDone === "true") window.location.reload();
  };
  setTimeout(tick, LIVE_EVERY_MS);
}

// ---- the campaign wizard ----------------------------------------------------

function debounce(action, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), ms); };
}

class Wizard {
  constructor(form) {
    this.form = form;
    this.steps = [...form.querySelectorAll("[data-step]")];
    this.ticked = new Set();
    this.step = 1;
    this.reviewed = false;
    this.asked = {};
  }

  formData() {
    const data = new FormData(this.form);
    data.delete("contact_ids");
    for (const id of this.ticked) data.append("contact_ids", id);
    return data;
  }

  async post(path) {
    const answer = await fetch(path, {
      method: "POST", body: this.formData(), headers: { "X-CSRF-Token": csrfToken() },
    });
    return answer.text();
  }

  // The answer to `path`, or null when a later post of the same `kind` was made
  // meanwhile: answers may arrive out of order, and only the latest may show.
  async postLatest(kind, path) {
    const asked = (this.asked[kind] = (this.asked[kind] || 0) + 1);
    const html = await this.post(path);
    return asked === this.asked[kind] ? html : null;
  }

  show(step) {
    this.step = step;
    for (const fieldset of this.steps) fieldset.hidden = Number(fieldset.dataset.step) !== step;
    for (const label of document.querySelectorAll("[data-step-label]")) {
      if (Number(label.dataset.stepLabel) === step) label.setAttribute("aria-current", "step");
      else label.removeAttribute("aria-current");
    }
    const next = this.form.querySelector("[data-next]");
    next.hidden = step === this.steps.length;
    next.disabled = false;
    const create = this.form.querySelector("[data-create]");
    create.hidden = step !== this.steps.length;
    create.disabled = true;
    const current = this.steps[step - 1];
    current.setAttribute("tabindex", "-1");
    current.focus();
    this.entered(step);
  }

  entered(step) {
    if (step === 2 || step === 3) this.estimate();
    if (step === 2 && this.kind("audience_kind") === "dialogs") this.searchDialogs();
    if (step === 6) this.checkStart();
    if (step === 7) this.review();
  }

  kind(name) {
    const checked = this.form.querySelector(`input[name="${name}"]:checked`);
    return checked ? checked.value : "";
  }

  toggle(name, attribute) {
    const value = this.kind(name);
    for (const part of this.form.querySelectorAll(`[${attribute}]`)) {
      part.hidden = part.getAttribute(attribute) !== value;
    }
  }

  async estimate() {
    const html = await this.postLatest("estimate", "/console/campaigns/new/estimate");
    if (html === null) return;
    const box = this.form.querySelector("[data-estimate-box]");
    box.innerHTML = html;
    const result = box.querySelector("[data-estimate-result]");
    this.form.querySelector("[data-estimate-total]").textContent =
      result ? formatNumber(Number(result.dataset.estimateResult)) : "—";
  }

  async searchDialogs(cursor) {
    const holder = this.form.querySelector("[data-dialogs]");
    const query = new URLSearchParams();
    query.set("q", this.form.querySelector("[data-dialog-search]").value);
    const connection = this.form.querySelector("#connection_id").value;
    if (connection) query.set("connection_id", connection);
    if (cursor) query.set("cursor", cursor);
    const answer = await fetch(`${holder.dataset.source}?${query}`);
    const html = await answer.text();
    if (cursor) {
      // a further page: its rows join the list, its button replaces the old one
      const more = document.createElement("div");
      more.innerHTML = html;
      holder.querySelector("[data-dialogs-more]").remove();
      const rows = more.querySelector("[data-dialog-rows]");
      if (rows) holder.querySelector("[data-dialog-rows]").append(...rows.children);
      const next = more.querySelector("[data-dialogs-more]");
      if (next) holder.append(next);
    } else {
      holder.innerHTML = html;
    }
    for (const box of holder.querySelectorAll('input[name="contact_ids"]')) {
      box.checked = this.ticked.has(box.value);
    }
  }

  tick(box) {
    if (box.checked) this.ticked.add(box.value); else this.ticked.delete(box.value);
    this.form.querySelector("[data-dialogs-selected] b").textContent = formatNumber(this.ticked.size);
    this.estimateSoon();
  }

  async checkStart() {
    const html = await this.postLatest("check", "/console/campaigns/new/check");
    if (html === null) return;
    const box = this.form.querySelector("[data-check-box]");
    box.innerHTML = html;
    this.form.querySelector("[data-next]").disabled = box.querySelector("[data-subscription-warning]") !== null;
  }

  async review() {
    const html = await this.postLatest("review", "/console/campaigns/new/review");
    if (html === null) return;
    const box = this.form.querySelector("[data-review-box]");
    box.innerHTML = html;
    this.form.querySelector("[data-create]").disabled = box.querySelector("[data-review]") === null;
  }

  async samples(button) {
    const box = this.form.querySelector("[data-samples-box]");
    button.disabled = true;
    try { box.innerHTML = await this.post(button.dataset.samples); } finally { button.disabled = false; }
  }

  readIds(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    file.text().then((text) => {
      this.form.querySelector("#external_ids").value = text;
      this.estimateSoon();
    });
  }

  back() {
    if (this.step === 1) window.location.assign("/console/campaigns");
    else this.show(this.step - 1);
  }

  listen() {
    const form = this.form;
    this.estimateSoon = debounce(() => this.estimate(), 350);
    const searchSoon = debounce(() => this.searchDialogs(), 300);
    form.addEventListener("input", (event) => {
      if (event.target.matches("[data-estimate]")) this.estimateSoon();
      if (event.target.matches("[data-dialog-search]")) searchSoon();
    });
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.name === "audience_kind") { this.toggle("audience_kind", "data-when-audience"); if (target.value === "dialogs") this.searchDialogs(); }
      if (target.name === "content_kind") this.toggle("content_kind", "data-when-content");
      if (target.name === "start_mode") this.toggle("start_mode", "data-when-start");
      if (target.name === "contact_ids") this.tick(target);
      if (target.matches("[data-ids-file]")) this.readIds(target);
      if (target.matches("[data-estimate]")) this.estimateSoon();
      if (target.matches("[data-check]") && this.step === 6) this.checkStart();
    });
    form.addEventListener("click", (event) => {
      const target = event.target;
      if (target.matches("[data-next]")) this.show(this.step + 1);
      else if (target.matches("[data-back]")) this.back();
      else if (target.matches("[data-refresh-status]")) this.checkStart();
      else if (target.matches("[data-samples]")) this.samples(target);
      else if (target.matches("[data-dialogs-more]")) this.searchDialogs(target.dataset.dialogsMore);
    });
    form.addEventListener("submit", (event) => {
      if (this.step !== this.steps.length) { event.preventDefault(); return; }
      for (const id of this.ticked) {
        const hidden = document.createElement("input");
        Object.assign(hidden, { type: "hidden", name: "contact_ids", value: id });
        form.appendChild(hidden);
      }
      form.querySelector("[data-dialogs]").innerHTML = "";
    });
  }

  start() {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    this.form.querySelector("[data-time-zone]").value = zone;
    this.form.querySelector("[data-time-zone-shown]").textContent = zone;
    this.listen();
    this.show(1);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  startLive();
  const form = document.querySelector("[data-wizard]");
  if (form) new Wizard(form).start();
});
