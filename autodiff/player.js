/* The backward player of autodiff (autodiff/player.py): AutodiffPlayer.mount(element, data).
 * `data` is BackwardPlayer.data(): one SVG laid out once, and per frame the grad cells that
 * change. A frame changes text, classes and highlights of that one picture, nothing moves.
 * Self-contained: no network, no library. Returns {show(i), at(), select(id), last}. */
(function (global) {
  "use strict";
  var STYLE = [
    ".ad-player { font-family: sans-serif; outline: none; }",
    ".ad-player:focus-visible { outline: 2px solid #3f51b5; outline-offset: 2px; }",
    ".ad-player .ad-controls { display: flex; flex-wrap: wrap; gap: 0.3em; align-items: center; }",
    ".ad-player button { font: inherit; font-size: 0.9em; padding: 0.15em 0.6em; cursor: pointer;" +
      " display: inline-flex; align-items: center; gap: 0.3em; }",
    ".ad-player button svg { width: 0.8em; height: 0.8em; fill: currentColor; }",
    ".ad-player .ad-caption, .ad-player .ad-explain { margin: 0.5em 0; white-space: pre-wrap;" +
      " font-family: monospace; font-size: 0.85em; line-height: 1.4; }",
    ".ad-player .ad-explain { background: #eef3ff; padding: 0.3em 0.5em; }",
    ".ad-player .ad-explain:empty { display: none; }",
    ".ad-player .ad-picture { overflow: auto; max-height: 80vh; }",
    ".ad-player .ad-picture svg { max-width: none; height: auto; }",
    ".ad-player .ad-legend { font-size: 0.8em; color: #444; margin: 0.3em 0; }",
    ".ad-player g.node { cursor: pointer; }",
    ".ad-player .ad-current > path, .ad-player .ad-current > polygon, .ad-player .ad-current > ellipse" +
      " { stroke: #d62728; stroke-width: 3px; }",
    ".ad-player g.edge.ad-current > polygon { fill: #d62728; }",
    ".ad-player text.ad-changed { fill: #d62728; font-weight: bold; }",
    ".ad-player text.ad-wrong { fill: #d62728; font-weight: bold; text-decoration: underline; }",
    ".ad-player .ad-selected > path, .ad-player .ad-selected > polygon { stroke: #1f5fd6; stroke-width: 3px;" +
      " stroke-dasharray: 6 3; }"
  ].join("\n");
  var ICONS = {
    first: "M2 2h2v12H2zM14 2v12L5 8z", back: "M12 2v12L3 8z", play: "M4 2v12l10-6z",
    pause: "M3 2h4v12H3zM9 2h4v12H9z", next: "M4 2v12l9-6z", last: "M12 2h2v12h-2zM2 2v12l9-6z"
  };
  var LABELS = {first: "first", back: "back", play: "play", next: "next", last: "last"};
  var KEYS = {ArrowRight: "next", ArrowLeft: "back", Home: "first", End: "last", " ": "play"};

  function addStyle(doc) {
    if (doc.getElementById("ad-player-style")) { return; }
    var style = doc.createElement("style");
    style.id = "ad-player-style";
    style.textContent = STYLE;
    doc.head.appendChild(style);
  }

  function button(doc, action) {
    var b = doc.createElement("button");
    b.type = "button";
    b.dataset.action = action;
    b.innerHTML = '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="' + ICONS[action] + '"/></svg>' +
      '<span class="ad-label">' + LABELS[action] + "</span>";
    return b;
  }

  function setIcon(b, name) {
    b.querySelector("path").setAttribute("d", ICONS[name]);
    b.querySelector(".ad-label").textContent = name;
  }

  function mount(root, data, options) {
    var doc = root.ownerDocument;
    var frameMs = (options && options.frameMs) || 1500;
    addStyle(doc);
    root.classList.add("ad-player");
    if (!root.hasAttribute("tabindex")) { root.tabIndex = 0; }
    root.innerHTML = "";
    var controls = doc.createElement("div");
    controls.className = "ad-controls";
    var buttons = {};
    ["first", "back", "play", "next", "last"].forEach(function (a) {
      buttons[a] = button(doc, a);
      controls.appendChild(buttons[a]);
    });
    var last = data.frames.length - 1;
    var slider = doc.createElement("input");
    slider.type = "range"; slider.className = "ad-slider"; slider.min = "0"; slider.max = String(last);
    slider.value = "0"; slider.setAttribute("aria-label", "step");
    var counter = doc.createElement("span");
    counter.className = "ad-counter";
    controls.appendChild(slider);
    controls.appendChild(counter);
    var caption = doc.createElement("pre");
    caption.className = "ad-caption";
    caption.setAttribute("aria-live", "polite");
    // As tall as the longest caption, so that the picture below never moves.
    var lines = Math.max.apply(null, data.frames.map(function (f) { return f.caption.split("\n").length; }));
    caption.style.minHeight = (lines * 1.4) + "em";
    var picture = doc.createElement("div");
    picture.className = "ad-picture";
    picture.innerHTML = data.svg;
    var explain = doc.createElement("pre");
    explain.className = "ad-explain";
    var legend = doc.createElement("p");
    legend.className = "ad-legend";
    legend.textContent = data.legend + " Keys: left and right arrows step, Home and End jump, space plays.";
    [controls, caption, picture, explain, legend].forEach(function (e) { root.appendChild(e); });

    // Each Value's box and grad text, found once; the state of a cell is [text, class].
    var boxes = {}, cells = {}, parts = {};
    Object.keys(data.nodes).forEach(function (id) {
      var box = picture.querySelector("g.ad-" + id);
      if (!box) { return; }
      boxes[id] = box;
      var texts = box.querySelectorAll("text");
      cells[id] = texts[texts.length - 1];
      box.addEventListener("click", function () { select(id); });
    });
    function part(id) {  // the box, its op and its edges
      if (!parts[id]) { parts[id] = picture.querySelectorAll(".ad-s" + id.slice(1)); }
      return parts[id];
    }
    // Undo data: for each frame, the state each of its cells had before it.
    var state = {}, before = [];
    data.frames.forEach(function (frame) {
      before.push(frame.cells.map(function (c) { return [c[0], state[c[0]] || ["", ""]]; }));
      frame.cells.forEach(function (c) { state[c[0]] = [c[1], c[2] === "wrong" ? "wrong" : ""]; });
    });
    function setCell(id, text, mark) {
      var cell = cells[id];
      if (!cell) { return; }
      cell.textContent = text;
      cell.classList.toggle("ad-wrong", mark === "wrong");
      cell.classList.toggle("ad-changed", mark === "changed");
    }
    function mark(k, on) {
      var frame = data.frames[k];
      if (frame.node) { part(frame.node).forEach(function (e) { e.classList.toggle("ad-current", on); }); }
      frame.cells.forEach(function (c) {
        var cell = cells[c[0]];
        if (cell && c[2] === "changed") { cell.classList.toggle("ad-changed", on); }
      });
    }
    var at = -1, timer = null, selected = null;
    function show(i) {
      i = Math.max(0, Math.min(last, i));
      if (at >= 0) { mark(at, false); }
      if (at < 0) { at = 0; data.frames[0].cells.forEach(function (c) { setCell(c[0], c[1], c[2]); }); }
      while (at < i) {
        at += 1;
        data.frames[at].cells.forEach(function (c) { setCell(c[0], c[1], c[2] === "wrong" ? "wrong" : ""); });
      }
      while (at > i) {
        before[at].forEach(function (b) { setCell(b[0], b[1][0], b[1][1]); });
        at -= 1;
      }
      mark(at, true);
      slider.value = String(at);
      caption.textContent = data.frames[at].caption;
      counter.textContent = "step " + at + " of " + last;
    }
    function select(id) {
      if (selected && boxes[selected]) { boxes[selected].classList.remove("ad-selected"); }
      selected = id;
      if (id && boxes[id]) { boxes[id].classList.add("ad-selected"); }
      explain.textContent = id ? data.nodes[id].explain : "";
    }
    function stop() {
      if (timer !== null) { clearInterval(timer); timer = null; }
      setIcon(buttons.play, "play");
    }
    function play() {
      if (timer !== null) { stop(); return; }
      if (at === last) { show(0); }
      setIcon(buttons.play, "pause");
      timer = setInterval(function () { if (at >= last) { stop(); } else { show(at + 1); } }, frameMs);
    }
    var actions = {
      first: function () { show(0); }, back: function () { show(at - 1); },
      next: function () { show(at + 1); }, last: function () { show(last); }
    };
    Object.keys(buttons).forEach(function (a) {
      buttons[a].addEventListener("click", function () {
        if (a === "play") { play(); } else { stop(); actions[a](); }
      });
    });
    slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });
    root.addEventListener("keydown", function (event) {
      var a = KEYS[event.key];
      var tag = event.target.tagName;
      if (a === undefined || (tag === "INPUT" && a !== "play") || (tag === "BUTTON" && a === "play")) { return; }
      event.preventDefault();
      if (a === "play") { play(); } else { stop(); actions[a](); }
    });
    show(0);
    select(data.selected || null);
    if (options && options.focus) { root.focus(); }
    return {show: show, at: function () { return at; }, select: select, last: last, stop: stop};
  }

  global.AutodiffPlayer = {mount: mount};
})(typeof window !== "undefined" ? window : this);
