// Numbers as the page shows them, and the engine's messages.
// Numbers: rounded for reading, the exact value (the shortest text that reads back the same
// float, as Python's repr) in the title, shown on hover.
export function rounded(x) {
  if (typeof x === "string") return x;
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e6) return String(Number(x.toPrecision(6)));
  return x.toExponential(4).replace(/\.?0+e/, "e");
}

export function numberSpan(x, prefix = "") {
  const span = document.createElement("span");
  span.className = "num";
  span.textContent = prefix + rounded(x);
  span.title = `exact: ${String(x)}`;
  return span;
}

export function showNumbers(output, entries) {
  output.replaceChildren();
  entries.forEach(([name, x], k) => {
    if (k) output.append(", ");
    output.append(numberSpan(x, name));
  });
}

export function pythonMessage(error) { // a PythonError's last line: "ValueError: ..."
  return String(error.message || error).trim().split("\n").pop().replace(/^[\w.]+\.(\w+: )/, "$1");
}


export function guard(fn, errorElement) { // an unexpected failure is shown on the page, never lost
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      errorElement.textContent = `Error: ${pythonMessage(error)}`;
    }
  };
}
