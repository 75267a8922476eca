// The page: loads the engine (Pyodide + our wheel) and Graphviz (viz.js), then draws what
// session.py answers. Every number shown is computed by the engine; this file only draws.
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { instance as vizInstance } from "./viz/viz.js";

const $ = (id) => document.getElementById(id);
const here = (path) => new URL(path, window.location.href).href;
const NEURON = { x1: [2, -4, 4], x2: [0, -4, 4], w1: [-3, -4, 4], w2: [1, -4, 4], b: [6.8813735870195432, -10, 10] };
const GRID = 24; // the decision boundary's lattice, GRID x GRID scores per picture

let session, viz, frames = [], frame = 0, training = null, timer = null;

async function start() {
  const started = performance.now(), timings = {};
  const lap = (name) => (timings[name] = (performance.now() - started) / 1000);
  const [pyodide, vizReady] = await Promise.all([
    loadPyodide({ indexURL: here("pyodide/") }).finally(() => lap("pyodide")),
    vizInstance().finally(() => lap("viz")),
  ]);
  viz = vizReady;
  const wheels = await (await fetch(here("wheels/wheels.json"))).json();
  await pyodide.loadPackage(wheels.map((name) => here(`wheels/${name}`)), { messageCallback: () => {} });
  lap("wheels");
  pyodide.FS.writeFile("session.py", await (await fetch(here("session.py"))).text());
  session = pyodide.pyimport("session");
  const seconds = lap("import");
  const versions = pyodide.runPython("import sys, autodiff; f'Python {sys.version.split()[0]}, autodiff {autodiff.__version__}'");
  $("status").textContent = `Engine loaded in ${seconds.toFixed(1)} s (${versions}, Pyodide ${pyodide.version}).`;
  window.playground = { loadSeconds: seconds, timings, session, frameCount: () => frames.length, frame: () => frame, training: () => training };
  setUp();
  lap("first pictures");
  document.body.dataset.ready = "true";
}

function draw(element, dot) {
  element.replaceChildren(viz.renderSVGElement(dot));
}

function numbers(grads) {
  return Object.entries(grads).map(([name, g]) => `${name}.grad = ${g}`).join(", ");
}

function evaluateExpression() {
  const answer = JSON.parse(session.expression($("inputs").value, $("expr").value));
  $("expr-error").textContent = answer.error || "";
  if (answer.error) return;
  $("expr-value").textContent = String(answer.value);
  $("expr-grads").textContent = numbers(answer.grads);
  $("expr-value").dataset.json = JSON.stringify(answer.value);
  $("expr-grads").dataset.json = JSON.stringify(answer.grads);
  draw($("expr-graph"), answer.dot);
  frames = answer.frames;
  showFrame(0);
}

function showFrame(i) {
  frame = Math.max(0, Math.min(frames.length - 1, i));
  $("back-counter").textContent = `frame ${frame + 1} of ${frames.length}`;
  $("back-caption").textContent = frames[frame].caption;
  draw($("back-graph"), frames[frame].dot);
}

function neuron() {
  const values = Object.fromEntries(Object.keys(NEURON).map((name) => [name, Number($(`slider-${name}`).value)]));
  for (const name of Object.keys(NEURON)) $(`value-${name}`).textContent = values[name].toFixed(4);
  const answer = JSON.parse(session.neuron(JSON.stringify(values)));
  $("neuron-grads").textContent = `o = ${answer.value}; ${numbers(answer.grads)}`;
  $("neuron-grads").dataset.json = JSON.stringify(answer.grads);
  draw($("neuron-graph"), answer.dot);
}

function settings() {
  const hidden = $("hidden").value.split(",").map((s) => s.trim()).filter((s) => s).map(Number);
  return {
    dataset: $("dataset").value, n: Number($("npoints").value), noise: Number($("noise").value),
    seed: Number($("seed").value), hidden, activation: $("activation").value, lr: Number($("lr").value),
  };
}

function newRun() {
  pause();
  training?.destroy();
  training = null;
  $("train-error").textContent = "";
  try {
    training = session.Training(JSON.stringify(settings()));
  } catch (error) {
    $("train-error").textContent = error.message.trim().split("\n").pop();
    return;
  }
  $("train-seed").textContent = String(settings().seed);
  $("train-step").textContent = "0";
  $("train-loss").textContent = "–";
  picture();
}

function step() {
  if (!training) return;
  const loss = training.step();
  $("train-step").textContent = String(training.losses.length);
  $("train-loss").textContent = loss.toFixed(6);
  picture();
}

function play() {
  pause();
  timer = setInterval(step, 1000 / Math.max(1, Number($("speed").value)));
}

function pause() {
  clearInterval(timer);
  timer = null;
}

function picture() {
  const { points, labels, box, scores, losses } = JSON.parse(training.picture(GRID));
  drawBoundary($("boundary"), points, labels, box, scores);
  drawLosses($("loss-curve"), losses);
}

function drawBoundary(canvas, points, labels, box, scores) {
  const c = canvas.getContext("2d"), w = canvas.width, h = canvas.height, cell = w / GRID;
  scores.forEach((s, k) => {
    c.fillStyle = s > 0 ? "#fbd3c4" : "#c9dcf2";
    c.fillRect((k % GRID) * cell, Math.floor(k / GRID) * (h / GRID), cell + 1, h / GRID + 1);
  });
  const [x0, x1, y0, y1] = box;
  points.forEach(([x, y], k) => {
    c.beginPath();
    c.arc(((x - x0) / (x1 - x0)) * w, ((y1 - y) / (y1 - y0)) * h, 4, 0, 2 * Math.PI);
    c.fillStyle = labels[k] > 0 ? "#d62728" : "#1f77b4";
    c.fill();
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
  if (!losses.length) return;
  const top = Math.max(...losses);
  c.fillText(top.toFixed(3), 2, 24);
  c.beginPath();
  losses.forEach((loss, k) => {
    const x = pad + ((w - pad - 5) * k) / Math.max(1, losses.length - 1), y = h - pad - ((h - pad - 5) * loss) / top;
    k ? c.lineTo(x, y) : c.moveTo(x, y);
  });
  c.strokeStyle = "#d62728";
  c.stroke();
}

function setUp() {
  for (const [name, [value, low, high]] of Object.entries(NEURON)) {
    const label = document.createElement("label");
    label.innerHTML = `<span>${name}</span><input type="range" id="slider-${name}" min="${low}" max="${high}" step="any"><output id="value-${name}"></output>`;
    $("sliders").append(label);
    $(`slider-${name}`).value = String(value);
    $(`slider-${name}`).addEventListener("input", neuron);
  }
  $("evaluate").disabled = false;
  $("evaluate").addEventListener("click", evaluateExpression);
  $("expr").addEventListener("keydown", (event) => event.key === "Enter" && evaluateExpression());
  $("back-first").addEventListener("click", () => showFrame(0));
  $("back-prev").addEventListener("click", () => showFrame(frame - 1));
  $("back-next").addEventListener("click", () => showFrame(frame + 1));
  $("back-last").addEventListener("click", () => showFrame(frames.length - 1));
  $("reset").addEventListener("click", newRun);
  $("play").addEventListener("click", play);
  $("pause").addEventListener("click", pause);
  $("step").addEventListener("click", step);
  evaluateExpression();
  neuron();
  newRun();
}

start().catch((error) => {
  $("status").textContent = `The engine did not load: ${error}`;
  console.error(error);
});
