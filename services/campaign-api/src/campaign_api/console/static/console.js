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

document.addEventListener("DOMContentLoaded", () => {
  startLive();
  if (window.ConsoleWizard) window.ConsoleWizard.start();
});
