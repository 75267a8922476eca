// The page: loads the engine (Pyodide + our wheel) and Graphviz (viz.js), then draws what
// session.py and training.py answer. Every number shown is computed by the engine; this file
// only draws. A number arrives as a JSON number or as "inf", "-inf", "nan".
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { instance as vizInstance } from "./viz/viz.js";
import { guard, numberSpan, showNumbers } from "./format.js";
import { setUpTraining } from "./train.js";

const $ = (id) => document.getElementById(id);
const here = (path) => new URL(path, window.location.href).href;
const NEURON = { x1: [2, -4, 4], x2: [0, -4, 4], w1: [-3, -4, 4], w2: [1, -4, 4], b: [6.8813735870195432, -10, 10] };
const PY_FILES = ["session.py", "formulas.py", "training.py"];

let session, trainingModule, viz;
let player = null; // the step-by-step panel: AutodiffPlayer.mount's handle (autodiff/player.js)
let training = null; // the Train panel's run, for the tests

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
  for (const name of PY_FILES) pyodide.FS.writeFile(name, await (await fetch(here(name))).text());
  session = pyodide.pyimport("session");
  trainingModule = pyodide.pyimport("training");
  const seconds = lap("import");
  const versions = pyodide.runPython("import sys, autodiff; f'Python {sys.version.split()[0]}, autodiff {autodiff.__version__}'");
  $("status").textContent = `Engine loaded in ${seconds.toFixed(1)} s (${versions}, Pyodide ${pyodide.version}).`;
  window.playground = {
    loadSeconds: seconds, timings, session,
    frameCount: () => (player ? player.last + 1 : 0), frame: () => (player ? player.at() : 0), training: () => training,
  };
  setUp();
  lap("first pictures");
  document.body.dataset.ready = "true";
}

// ---- Expression ------------------------------------------------------------------------

function clearExpression() {
  for (const id of ["expr-error", "expr-note", "expr-value", "expr-grads", "node-info", "expr-graph", "back-player"]) {
    $(id).replaceChildren();
  }
  for (const id of ["expr-value", "expr-grads"]) delete $(id).dataset.json;
  $("inputs").classList.remove("bad");
  $("expr").classList.remove("bad");
  player?.stop();
  player = null;
}

function evaluateExpression() {
  clearExpression();
  const answer = JSON.parse(session.expression($("inputs").value, $("expr").value));
  if (answer.error) {
    $("expr-error").textContent = answer.error;
    $(answer.where === "inputs" ? "inputs" : "expr").classList.add("bad");
    return;
  }
  showNumbers($("expr-value"), [["", answer.value]]);
  $("expr-value").dataset.json = JSON.stringify(answer.value);
  showNumbers($("expr-grads"), Object.entries(answer.grads).map(([name, g]) => [`${name}.grad = `, g]));
  $("expr-grads").dataset.json = JSON.stringify(answer.grads);
  $("expr-note").textContent = answer.note || answer.undrawn || "";
  if (!answer.player) {
    $("back-player").textContent = "No backward pass: nothing to differentiate.";
    return;
  }
  // One rendering: the player's picture, also shown above with every final gradient.
  const svg = answer.dot ? svgText(viz.renderString(answer.dot, { format: "svg" })) : "";
  if (svg) finalPicture($("expr-graph"), svg, answer);
  player = AutodiffPlayer.mount($("back-player"), { ...answer.player, svg });
  withDerivatives($("back-player"), answer.local);
}

function finalPicture(element, svg, answer) { // the picture with each grad as backward() leaves it
  element.innerHTML = svg;
  const last = {};
  for (const frame of answer.player.frames) for (const [id, text] of frame.cells) last[id] = text;
  for (const g of element.querySelectorAll("g.node")) { // one pass: a box's grad is its last text
    const box = [...g.classList].find((c) => /^ad-v\d+$/.test(c));
    const texts = g.querySelectorAll("text");
    if (box && texts.length && last[box.slice(3)] !== undefined) texts[texts.length - 1].textContent = last[box.slice(3)];
  }
  withDerivatives(element, answer.local);
}

function svgText(text) { // the <svg> element's text, without the XML prolog
  return text.slice(text.indexOf("<svg"));
}

function withDerivatives(element, local) { // hover a node: its local derivatives, numbers filled in
  for (const g of element.querySelectorAll("g.node")) {
    const mark = [...g.classList].find((c) => /^ad-s\d+$/.test(c));
    const lines = mark && local[`v${mark.slice(4)}`];
    if (!lines) continue;
    g.dataset.id = g.classList.contains(`ad-v${mark.slice(4)}`) ? `v${mark.slice(4)}` : `v${mark.slice(4)}_op`;
    g.dataset.local = lines.join("\n");
    g.querySelector("title").textContent = g.dataset.local;
    g.addEventListener("mouseenter", () => ($("node-info").textContent = g.dataset.local));
  }
}

// ---- Neuron ----------------------------------------------------------------------------

function neuron() {
  const values = Object.fromEntries(Object.keys(NEURON).map((name) => [name, Number($(`slider-${name}`).value)]));
  for (const name of Object.keys(NEURON)) $(`value-${name}`).replaceChildren(numberSpan(values[name]));
  const answer = JSON.parse(session.neuron(JSON.stringify(values)));
  showNumbers($("neuron-grads"), [["o = ", answer.value], ...Object.entries(answer.grads).map(([n, g]) => [`${n}.grad = `, g])]);
  $("neuron-grads").dataset.json = JSON.stringify(answer.grads);
  finalPicture($("neuron-graph"), svgText(viz.renderString(answer.dot, { format: "svg" })), answer);
}

function setUp() {
  for (const [name, [value, low, high]] of Object.entries(NEURON)) {
    const label = document.createElement("label");
    label.innerHTML = `<span>${name}</span><input type="range" id="slider-${name}" min="${low}" max="${high}" step="any"><output id="value-${name}"></output>`;
    $("sliders").append(label);
    $(`slider-${name}`).value = String(value);
    $(`slider-${name}`).addEventListener("input", guard(neuron, $("neuron-error")));
  }
  const evaluate = guard(evaluateExpression, $("expr-error"));
  $("evaluate").disabled = false;
  $("evaluate").addEventListener("click", evaluate);
  $("expr").addEventListener("keydown", (event) => event.key === "Enter" && evaluate());
  evaluate();
  guard(neuron, $("neuron-error"))();
  setUpTraining(trainingModule, (t) => (training = t));
}

start().catch((error) => {
  $("status").textContent = `The engine did not load: ${error}`;
  console.error(error);
});
