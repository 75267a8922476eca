// The page: loads the engine (Pyodide + our wheel) and Graphviz (viz.js), then draws what
// session.py and training.py answer. Every number shown is computed by the engine; this file
// only draws. A number arrives as a JSON number or as "inf", "-inf", "nan".
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { instance as vizInstance } from "./viz/viz.js";
import { guard, numberSpan, shown4, showNumbers } from "./format.js";
import { setUpTraining } from "./train.js";

const $ = (id) => document.getElementById(id);
const here = (path) => new URL(path, window.location.href).href;
const NEURON = { x1: [2, -4, 4], x2: [0, -4, 4], w1: [-3, -4, 4], w2: [1, -4, 4], b: [6.8813735870195432, -10, 10] };
const PY_FILES = ["session.py", "formulas.py", "training.py"];

let session, trainingModule, viz;
let steps = null; // the step-by-step panel: {frames, nodes, at, grads}
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
    loadSeconds: seconds, timings, session, pyodide,
    frameCount: () => (steps ? steps.frames.length : 0), frame: () => (steps ? steps.at : 0), training: () => training,
  };
  setUp();
  lap("first pictures");
  document.body.dataset.ready = "true";
}

// ---- Expression ------------------------------------------------------------------------

function clearExpression() {
  for (const id of ["expr-error", "expr-note", "expr-value", "expr-grads", "back-counter", "back-caption", "node-info"]) {
    $(id).replaceChildren();
  }
  for (const id of ["expr-value", "expr-grads"]) delete $(id).dataset.json;
  $("expr-graph").replaceChildren();
  $("back-graph").replaceChildren();
  $("inputs").classList.remove("bad");
  $("expr").classList.remove("bad");
  steps = null;
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
  if (answer.dot) {
    const svg = viz.renderSVGElement(answer.dot);
    withDerivatives(svg, answer.local);
    $("expr-graph").replaceChildren(svg);
    if (answer.frames) $("back-graph").replaceChildren(withDerivatives(svg.cloneNode(true), answer.local));
  }
  if (answer.frames) {
    steps = { frames: answer.frames, at: 0, grads: null, nodes: indexPicture($("back-graph").querySelector("svg")) };
    showFrame(0);
  } else {
    $("back-caption").textContent = "no backward pass: nothing to differentiate";
  }
}

function withDerivatives(svg, local) { // hover a node: its local derivatives, numbers filled in
  for (const g of svg.querySelectorAll("g.node")) {
    const id = (g.dataset.id ||= g.querySelector("title").textContent);
    const lines = local[id] || local[id.replace(/_op$/, "")];
    if (!lines) continue;
    g.querySelector("title").textContent = lines.join("\n");
    g.dataset.local = lines.join("\n");
    g.addEventListener("mouseenter", () => ($("node-info").textContent = g.dataset.local));
  }
  return svg;
}

// The step panel: one picture (every final gradient written, so the layout has room for all),
// each frame sets a few gradients' text and moves the highlight. Nothing is laid out again.
function indexPicture(svg) {
  const nodes = new Map();
  if (!svg) return nodes;
  for (const g of svg.querySelectorAll("g.node")) {
    const id = g.dataset.id || g.querySelector("title").textContent;
    const grad = [...g.querySelectorAll("text")].find((t) => t.textContent.startsWith("grad"));
    nodes.set(id, { g, grad });
  }
  for (const g of svg.querySelectorAll("g.edge")) {
    const target = g.querySelector("title").textContent.split("->")[1];
    const node = nodes.get(target.replace(/_op$/, ""));
    if (node) (node.edges ||= []).push(g);
  }
  return nodes;
}

function gradsAt(i) { // frames are changes: replay them from the seed (or from the last shown)
  let { grads, gradsAt: from } = steps;
  if (!grads || from > i) [grads, from] = [new Map(), -1];
  for (let k = from + 1; k <= i; k++) for (const [node, g] of steps.frames[k].set) grads.set(node, g);
  Object.assign(steps, { grads, gradsAt: i });
  return grads;
}

function showFrame(i) {
  if (!steps) return;
  const last = steps.frames.length - 1, previous = steps.frames[steps.at];
  steps.at = Math.max(0, Math.min(last, i));
  const frame = steps.frames[steps.at], grads = gradsAt(steps.at);
  $("back-counter").textContent = `frame ${steps.at + 1} of ${steps.frames.length}`;
  $("back-caption").textContent = frame.caption;
  if (!steps.nodes.size) return;
  for (const [id, node] of steps.nodes) {
    const k = Number(id.slice(1));
    if (node.grad && !id.endsWith("_op")) node.grad.textContent = grads.has(k) ? `grad ${shown4(grads.get(k))}` : "grad";
  }
  for (const at of [previous.at, frame.at]) {
    const lit = at === frame.at;
    for (const id of [`v${at}`, `v${at}_op`]) steps.nodes.get(id)?.g.classList.toggle("current", lit);
    for (const edge of steps.nodes.get(`v${at}`)?.edges || []) edge.classList.toggle("current", lit);
  }
}

// ---- Neuron ----------------------------------------------------------------------------

function neuron() {
  const values = Object.fromEntries(Object.keys(NEURON).map((name) => [name, Number($(`slider-${name}`).value)]));
  for (const name of Object.keys(NEURON)) $(`value-${name}`).replaceChildren(numberSpan(values[name]));
  const answer = JSON.parse(session.neuron(JSON.stringify(values)));
  showNumbers($("neuron-grads"), [["o = ", answer.value], ...Object.entries(answer.grads).map(([n, g]) => [`${n}.grad = `, g])]);
  $("neuron-grads").dataset.json = JSON.stringify(answer.grads);
  const svg = viz.renderSVGElement(answer.dot);
  withDerivatives(svg, answer.local);
  $("neuron-graph").replaceChildren(svg);
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
  const go = (to) => guard(() => showFrame(to()), $("expr-error"));
  $("back-first").addEventListener("click", go(() => 0));
  $("back-prev").addEventListener("click", go(() => steps.at - 1));
  $("back-next").addEventListener("click", go(() => steps.at + 1));
  $("back-last").addEventListener("click", go(() => steps.frames.length - 1));
  evaluate();
  guard(neuron, $("neuron-error"))();
  setUpTraining(trainingModule, (t) => (training = t));
}

start().catch((error) => {
  $("status").textContent = `The engine did not load: ${error}`;
  console.error(error);
});
