// The Train panel: a run of training.py's Training, watched live (the decision boundary with
// each first-layer neuron's line, the loss curve, the weights and their gradients) and touched
// (click the plane to add a point of the chosen class, drag one to move it).
import { guard, numberSpan, pythonMessage } from "./format.js";

const $ = (id) => document.getElementById(id);
const FIELDS = { dataset: "dataset", n: "npoints", noise: "noise", seed: "seed", hidden: "hidden", activation: "activation", lr: "lr", speed: "speed" };
const RED = [214, 39, 40], BLUE = [31, 119, 180];

let module, publish, run = null, timer = null, view = null, drag = null, GRID = 0;

export function setUpTraining(trainingModule, onRun) {
  [module, publish, GRID] = [trainingModule, onRun, trainingModule.GRID];
  const show = (fn) => guard(fn, $("train-error"));
  $("reset").addEventListener("click", show(newRun));
  $("play").addEventListener("click", show(play));
  $("pause").addEventListener("click", show(pause));
  $("step").addEventListener("click", show(step));
  const plane = $("boundary");
  plane.addEventListener("pointerdown", show(press));
  plane.addEventListener("pointermove", show(moveTo));
  plane.addEventListener("pointerup", show(release));
  plane.addEventListener("pointerleave", show(release));
  show(newRun)();
}

function clearTrain() {
  pause();
  run?.destroy();
  [run, view, drag] = [null, null, null];
  publish(null);
  $("train-error").textContent = "";
  $("train-step").textContent = "0";
  $("train-loss").replaceChildren("–");
  $("train-seed").textContent = "";
  for (const id of ["boundary", "loss-curve", "network"]) $(id).getContext("2d").clearRect(0, 0, $(id).width, $(id).height);
}

function newRun() {
  clearTrain();
  const fields = Object.fromEntries(Object.entries(FIELDS).map(([key, id]) => [key, $(id).value]));
  try {
    run = module.Training(JSON.stringify(fields));
  } catch (error) {
    $("train-error").textContent = pythonMessage(error);
    return;
  }
  publish(run);
  $("train-seed").textContent = String(run.settings.get("seed"));
  picture();
}

function step() {
  if (!run) return false;
  const answer = JSON.parse(run.step());
  if (answer.error) { // the run stops: a message, and no stale step count or loss beside it
    pause();
    $("train-error").textContent = answer.error;
    $("train-step").textContent = "–";
    $("train-loss").replaceChildren("–");
    return false;
  }
  $("train-step").textContent = String(answer.step);
  $("train-loss").replaceChildren(numberSpan(answer.loss));
  picture();
  return true;
}

function play() {
  pause();
  if (!run) return;
  const wait = 1000 / run.settings.get("speed");
  const tick = guard(() => {
    if (step()) timer = setTimeout(tick, wait);
  }, $("train-error"));
  timer = setTimeout(tick, 0);
}

function pause() {
  clearTimeout(timer);
  timer = null;
}

function picture() {
  view = JSON.parse(run.picture(GRID));
  drawBoundary($("boundary"), view);
  drawLosses($("loss-curve"), view.losses);
  drawNetwork($("network"), view.layers);
}

// ---- The plane: pixels <-> data, click to add, drag to move ------------------------------

function toData(event) {
  const canvas = $("boundary"), rect = canvas.getBoundingClientRect(), [x0, x1, y0, y1] = view.box;
  const u = (event.clientX - rect.left) / rect.width, v = (event.clientY - rect.top) / rect.height;
  return [x0 + u * (x1 - x0), y1 - v * (y1 - y0)];
}

function toPixel([x, y], canvas) {
  const [x0, x1, y0, y1] = view.box;
  return [((x - x0) / (x1 - x0)) * canvas.width, ((y1 - y) / (y1 - y0)) * canvas.height];
}

function press(event) {
  if (!run || !view) return;
  const canvas = $("boundary"), scale = canvas.width / canvas.getBoundingClientRect().width;
  const [px, py] = [event.offsetX * scale, event.offsetY * scale];
  const near = view.points.findIndex((p) => Math.hypot(...toPixel(p, canvas).map((c, k) => c - [px, py][k])) < 7);
  if (near >= 0) {
    drag = near;
    canvas.setPointerCapture?.(event.pointerId);
    return;
  }
  const [x, y] = toData(event);
  run.add_point(x, y, $("class-red").checked ? 1 : -1);
  picture();
}

function moveTo(event) {
  if (drag === null) return;
  const [x, y] = toData(event);
  run.move_point(drag, x, y);
  view.points[drag] = [x, y];
  drawBoundary($("boundary"), view);
}

function release() {
  if (drag === null) return;
  drag = null;
  picture();
}

// ---- Drawing ------------------------------------------------------------------------------

function mix(color, t) { // white (t = 0) to color (t = 1)
  return `rgb(${color.map((c) => Math.round(255 + (c - 255) * t)).join(",")})`;
}

function drawBoundary(canvas, { points, labels, box, scores, lines }) {
  const c = canvas.getContext("2d"), w = canvas.width, h = canvas.height, cw = w / GRID, ch = h / GRID;
  scores.forEach((s, k) => { // the score's sign is the class; its size, the shade
    const t = typeof s === "string" ? 0.2 : 0.15 + 0.25 * Math.min(1, Math.abs(s));
    c.fillStyle = mix(s === "nan" ? [128, 128, 128] : (s === "inf" || s > 0) ? RED : BLUE, t);
    c.fillRect((k % GRID) * cw, Math.floor(k / GRID) * ch, cw + 1, ch + 1);
  });
  const [x0, x1] = box;
  c.save();
  c.strokeStyle = "rgba(60, 60, 60, 0.55)";
  c.lineWidth = 1;
  for (const [a, b, bias] of lines) { // a first-layer neuron's line: a x + b y + bias = 0
    if (typeof a === "string" || typeof b === "string" || typeof bias === "string") continue;
    const ends = Math.abs(b) > 1e-12 ? [[x0, -(a * x0 + bias) / b], [x1, -(a * x1 + bias) / b]] : [[-bias / a, box[2]], [-bias / a, box[3]]];
    const [p, q] = ends.map((e) => toPixel(e, canvas));
    if (![...p, ...q].every(Number.isFinite)) continue;
    c.beginPath();
    c.moveTo(...p);
    c.lineTo(...q);
    c.stroke();
  }
  c.restore();
  points.forEach((point, k) => {
    const [px, py] = toPixel(point, canvas);
    c.beginPath();
    c.arc(px, py, 4, 0, 2 * Math.PI);
    c.fillStyle = mix(labels[k] > 0 ? RED : BLUE, 1);
    c.fill();
    c.strokeStyle = "white";
    c.stroke();
  });
}

function drawLosses(canvas, losses) {
  const c = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 30;
  c.clearRect(0, 0, w, h);
  c.strokeStyle = "#999";
  c.strokeRect(pad, 5, w - pad - 5, h - pad - 5);
  c.fillStyle = "#222";
  c.fillText("loss", 2, 12);
  c.fillText("step", w - 30, h - 8);
  const finite = losses.filter((x) => typeof x === "number");
  if (!finite.length) return;
  const top = Math.max(...finite), bottom = Math.min(...finite), span = top - bottom || 1;
  c.fillText(top.toPrecision(3), 2, 24);
  c.fillText(bottom.toPrecision(3), 2, h - pad);
  c.fillText(String(finite.length), w - 30, h - 20);
  c.beginPath();
  finite.forEach((loss, k) => {
    const x = pad + ((w - pad - 5) * k) / Math.max(1, finite.length - 1);
    const y = h - pad - ((h - pad - 10) * (loss - bottom)) / span;
    k ? c.lineTo(x, y) : c.moveTo(x, y);
  });
  c.strokeStyle = "#d62728";
  c.stroke();
}

// The network as heat maps: per layer, a row per neuron, a column per input and the bias;
// the weights on the left, their gradients on the right, red above zero, blue below.
function drawNetwork(canvas, layers) {
  const c = canvas.getContext("2d"), cell = 9, gap = 14;
  const widths = layers.map((l) => l.weights[0].length * cell);
  const height = Math.max(...layers.map((l) => l.weights.length)) * cell + 34;
  canvas.width = Math.max(240, widths.reduce((a, b) => a + 2 * b + 3 * gap, gap));
  canvas.height = height;
  c.clearRect(0, 0, canvas.width, canvas.height);
  c.fillStyle = "#222";
  c.font = "10px sans-serif";
  let left = gap;
  layers.forEach((layer, i) => {
    for (const [k, [name, grid]] of [["w", layer.weights], ["grad", layer.grads]].entries()) {
      const x = left + k * (widths[i] + gap), finite = grid.flat().filter((v) => typeof v === "number");
      const top = Math.max(1e-12, ...finite.map(Math.abs));
      c.fillStyle = "#222";
      c.fillText(`L${i} ${name}`, x, 12);
      grid.forEach((row, r) => row.forEach((v, col) => {
        c.fillStyle = typeof v === "string" ? "#888" : mix(v > 0 ? RED : BLUE, Math.abs(v) / top);
        c.fillRect(x + col * cell, 18 + r * cell, cell - 1, cell - 1);
      }));
    }
    left += 2 * widths[i] + 3 * gap;
  });
}
