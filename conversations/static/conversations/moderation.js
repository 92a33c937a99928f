// The moderation queue and case pages, live over /ws/moderation/ (conversations/consumers.py).
// Queue page: each case.updated frame re-fetches this page and swaps the results table in place.
// Case page, once joined: follows the case, showing the person's messages and typing as they come.
"use strict";
(() => {
  const ALERTING = ["behavior", "imminent"];
  const queue = document.getElementById("changelist-form");
  const live = document.getElementById("live");
  const list = document.getElementById("live-messages");
  const form = document.getElementById("live-send");
  const personTyping = document.getElementById("live-typing");
  const queueUrl = document.querySelector("[data-queue-url]")?.dataset.queueUrl;
  const seen = new Set([...document.querySelectorAll("#live-messages [data-id]")].map((li) => li.dataset.id));
  let socket, retries = 0, audio, typingSentAt = 0, idleTimer, typingTimer, fetching = false, again = false;

  function say(text) {
    const status = document.getElementById("live-status");
    if (status) status.textContent = text;
  }

  function connect() {
    socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/moderation/`);
    socket.onopen = () => {
      retries = 0;
      say("Live");
      if (live) socket.send(JSON.stringify({ type: "case.follow", case_id: live.dataset.caseId }));
      if (queue) refresh(); // whatever changed while this page was not connected
    };
    socket.onmessage = (event) => handle(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (event.code === 4403) return say("Only moderators see cases live.");
      // 1 s, 2 s, 4 s … 30 s, jittered so that every page does not come back at once after a restart.
      const delay = Math.min(30000, 1000 * 2 ** retries++) * (0.5 + Math.random() / 2);
      say(`Disconnected; trying again in ${Math.round(delay / 1000)} s…`);
      setTimeout(connect, delay);
    };
  }

  function handle(frame) {
    switch (frame.type) {
      case "case.updated":
        if (queue) refresh();
        if (frame.alert && ALERTING.includes(frame.case.level)) notify(frame);
        break;
      case "case.following": say("Live: you see what the person writes as they write it."); break;
      case "message.ack": case "message.new": case "reply.end": show(frame.message); break;
      case "typing": if (frame.role === "user") showTyping(frame.state); break;
      case "support.left": say("Handed back: the assistant answers the person again. Reload the page."); break;
      case "privacy.erased": say("The person erased their data."); break;
      case "error": say(frame.detail); break;
    }
  }

  // One fetch at a time; changes that arrive meanwhile are folded into one more.
  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const html = await (await fetch(location.href, { credentials: "same-origin" })).text();
      const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("changelist-form");
      if (fresh) queue.innerHTML = fresh.innerHTML;
    } catch { /* the next frame or reconnect refreshes again */ }
    fetching = false;
    if (again) { again = false; refresh(); }
  }

  function notify(frame) {
    beep();
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const { id, level, categories } = frame.case;
    const note = new Notification(`${level} risk: ${frame.alert}`, {
      body: `Case ${id.slice(0, 8)}, ${categories.join(", ").replaceAll("_", " ") || "no category"}`, tag: id,
    });
    note.onclick = () => { window.focus(); if (queueUrl) location.href = `${queueUrl}${id}/change/`; };
  }

  // A short tone made on the spot, so there is no sound file to serve. Browsers only play sound after a click
  // on the page, which is what the "Enable" button is for.
  function beep() {
    if (!audio) return;
    const tone = audio.createOscillator(), gain = audio.createGain(), now = audio.currentTime;
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.25, now);
    gain.gain.exponentialRampToValueAtTime(0.001, now + 0.5);
    tone.connect(gain).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.5);
  }

  document.getElementById("alerts-enable")?.addEventListener("click", async (event) => {
    audio ??= new AudioContext();
    await audio.resume();
    if ("Notification" in window) await Notification.requestPermission();
    event.target.textContent = "Sound on" + (window.Notification?.permission === "granted" ? ", notifications on" : "");
    beep();
  });

  function show(message) {
    if (!list || seen.has(message.id)) return;
    seen.add(message.id);
    const item = document.createElement("li");
    const who = document.createElement("strong");
    const text = document.createElement("div");
    item.dataset.role = message.role;
    who.textContent = message.role;
    text.textContent = message.unreadable ? "This message can't be decrypted." : message.text;
    item.append(who, text);
    list.append(item);
    if (message.role === "user") showTyping(false);
  }

  function showTyping(state) {
    if (!personTyping) return;
    personTyping.hidden = !state;
    clearTimeout(typingTimer);
    if (state) typingTimer = setTimeout(() => { personTyping.hidden = true; }, 10000); // a lost "stopped"
  }

  function sendTyping(state) {
    if (socket?.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "typing", case_id: live.dataset.caseId, state }));
    }
  }

  // At most one "typing" every 3 s while keys are pressed, and "stopped" after 4 s without one.
  form?.elements.text.addEventListener("input", () => {
    if (Date.now() - typingSentAt > 3000) { typingSentAt = Date.now(); sendTyping(true); }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => { typingSentAt = 0; sendTyping(false); }, 4000);
  });

  // Sent without reloading; the message comes back over the socket like the person's do.
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(idleTimer);
    typingSentAt = 0;
    sendTyping(false);
    const response = await fetch(form.action, {
      method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin",
    }).catch(() => null);
    const answer = response ? await response.json().catch(() => ({ error: "Not sent: try again." }))
      : { error: "Not sent: you seem to be offline." };
    if (answer.error) say(answer.error);
    else form.elements.text.value = "";
  });

  connect();
})();
