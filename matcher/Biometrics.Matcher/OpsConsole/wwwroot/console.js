// The matcher console (docs/OPERATIONS.md, "Console"): plain JavaScript, no build step. Every API call carries the bearer
// token typed into the header (kept in this tab's sessionStorage only). Text from the server is set with textContent,
// never parsed as HTML.
"use strict";
const $ = (id) => document.getElementById(id);
const tokenInput = $("token");
tokenInput.value = sessionStorage.getItem("token") || "";
tokenInput.addEventListener("change", () => { sessionStorage.setItem("token", tokenInput.value.trim()); refresh(); });

function status(text, error) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

async function api(method, path, body, type) {
  const token = tokenInput.value.trim();
  if (!token) throw new Error("enter a bearer token first");
  const headers = { "Authorization": "Bearer " + token };
  if (type) headers["Content-Type"] = type;
  const r = await fetch("api/" + path, { method, headers, body });
  const json = await r.json().catch(() => ({ error: "HTTP " + r.status }));
  if (!r.ok) throw new Error(json.error || ("HTTP " + r.status));
  return json;
}

function row(tbody, cells, className) {
  const tr = document.createElement("tr");
  if (className) tr.className = className;
  for (const c of cells) {
    const td = document.createElement("td");
    if (c && typeof c === "object") { td.textContent = c.text; td.className = c.cls || ""; } else { td.textContent = c ?? ""; }
    tr.appendChild(td);
  }
  tbody.appendChild(tr);
}

function fill(tableId, items, cells, className) {
  const tbody = document.querySelector("#" + tableId + " tbody");
  tbody.replaceChildren();
  for (const item of items) row(tbody, cells(item), className);
}

const time = (t) => t ? new Date(t).toLocaleTimeString() : "";
const num = (v, d) => v === null || v === undefined ? "" : Number(v).toFixed(d);

// ---- lanes page ----
async function refreshBoard() {
  try {
    const b = await api("GET", "board");
    $("open-sessions").textContent = b.openSessions;
    $("budget-misses").textContent = b.budgetMisses;
    $("rate-accept").textContent = b.perMinute.accept;
    $("rate-reject").textContent = b.perMinute.reject;
    $("rate-retry").textContent = b.perMinute.retry;
    $("rate-refer").textContent = b.perMinute.refer;
    $("latency-count").textContent = b.latency.count;
    $("p50").textContent = num(b.latency.p50Ms, 1);
    $("p95").textContent = num(b.latency.p95Ms, 1);
    $("p99").textContent = num(b.latency.p99Ms, 1);
    fill("lanes", b.lanes, (l) => [l.gate, l.lane, l.openSession || "", { text: l.lastDecision || "", cls: l.lastDecision }, l.lastReason || "",
      num(l.lastScore, 3), time(l.lastAt), l.verdicts, l.budgetMisses]);
    fill("verdicts", b.verdicts, (v) => [time(v.at), v.gate, v.lane, { text: v.decision, cls: v.decision }, v.reason, num(v.score, 3), num(v.totalMs, 1),
      v.final ? "final" : "hint"]);
    fill("alerts", b.alerts, (a) => [time(a.at), a.gate, a.lane, a.gallery, a.subjectKey, num(a.score, 3), a.transactionId], "alert");
    fill("galleries", b.galleries, (g) => [g.name, g.modelId, g.templates]);
    status("updated " + new Date().toLocaleTimeString() + " (" + b.verdicts.length + " recent verdicts)");
  } catch (e) {
    status(e.message, true);
  }
}

// ---- enrolment page ----
let photo = null; // Blob of the photo to check and enrol

const LABELS = [
  ["interEyePx", "inter-eye distance (px)", (l) => ">= " + l.minInterEyePx],
  ["sharpness", "sharpness", (l) => ">= " + l.minSharpness],
  ["brightness", "brightness", (l) => l.minBrightness + " .. " + l.maxBrightness],
  ["yawDeg", "yaw (deg)", (l) => "|x| <= " + l.maxAbsYawDeg],
  ["pitchDeg", "pitch (deg)", (l) => "|x| <= " + l.maxAbsPitchDeg],
  ["liveness", "liveness", (l) => ">= " + l.minLiveness],
];

async function checkPhoto() {
  const out = $("check-result");
  out.textContent = "checking the photo...";
  out.className = "";
  try {
    const c = await api("POST", "check", photo, photo.type || "application/octet-stream");
    out.textContent = c.passed ? "Photo accepted for enrolment" : "Photo refused: " + c.reason + (c.text ? " (" + c.text + ")" : "");
    out.className = c.passed ? "passed" : "refused";
    fill("quality", c.quality ? LABELS : [], ([key, label, limit]) => [label, num(c.quality[key], 1), limit(c.limits)]);
  } catch (e) {
    out.textContent = e.message;
    out.className = "refused";
  }
}

function setPhoto(blob) {
  photo = blob;
  const img = $("preview");
  img.src = URL.createObjectURL(blob);
  img.hidden = false;
  checkPhoto();
}

function showResult(text, ok) {
  const r = $("result");
  r.textContent = text;
  r.className = ok ? "passed" : "refused";
}

function showSubject(info) {
  fill("subject-info", info ? [["subject key", info.subjectKey], ["model", info.modelId], ["version", info.version],
    ["galleries", (info.galleries || []).join(", ")], ["enrolled", info.enrolledAt ? new Date(info.enrolledAt).toLocaleString() : ""]] : [], (x) => x);
}

function subjectId() {
  const s = $("subject").value.trim();
  if (!s) throw new Error("enter a subject id");
  return encodeURIComponent(s);
}

function requestId() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).slice(0, 64);
}

async function enrol() {
  try {
    if (!photo) throw new Error("take or choose a photo first");
    const gallery = encodeURIComponent($("gallery").value.trim());
    const e = await api("POST", "enrol?subject=" + subjectId() + "&requestId=" + requestId() + "&gallery=" + gallery, photo, photo.type || "application/octet-stream");
    if (e.status === "Enrolled") showResult("Enrolled: version " + e.version + ", subject key " + e.subjectKey, true);
    else showResult("Refused (" + e.status + "): " + e.reason, false);
  } catch (err) {
    showResult(err.message, false);
  }
}

async function lookup() {
  try {
    const info = await api("GET", "subject?subject=" + subjectId());
    showSubject(info);
    showResult("Enrolled, version " + info.version, true);
  } catch (err) {
    showSubject(null);
    showResult(err.message, false);
  }
}

async function erase() {
  try {
    const id = subjectId();
    if (!confirm("Erase " + decodeURIComponent(id) + " from the store and every gallery?")) return;
    const d = await api("DELETE", "subject?subject=" + id + "&requestId=" + requestId());
    showSubject(null);
    showResult("Erased: subject key " + d.subjectKey, true);
  } catch (err) {
    showResult(err.message, false);
  }
}

async function startCamera() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true });
    const video = $("video");
    video.srcObject = stream;
    video.hidden = false;
    $("snap").hidden = false;
  } catch (e) {
    $("check-result").textContent = "no camera: " + e.message;
  }
}

function snap() {
  const video = $("video");
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  canvas.toBlob((b) => setPhoto(b), "image/jpeg", 0.95);
}

function refresh() {
  if (document.body.dataset.page === "lanes" && tokenInput.value.trim()) refreshBoard();
}

if (document.body.dataset.page === "lanes") {
  refresh();
  setInterval(refresh, 1000);
} else {
  $("photo").addEventListener("change", (e) => { if (e.target.files[0]) setPhoto(e.target.files[0]); });
  $("enrol").addEventListener("click", enrol);
  $("lookup").addEventListener("click", lookup);
  $("erase").addEventListener("click", erase);
  $("camera").addEventListener("click", startCamera);
  $("snap").addEventListener("click", snap);
}
