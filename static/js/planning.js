/* Marelle — the planning grid, enhanced. Without this file every action still works
   through plain forms; with it, a cell opens a menu (click, tap, Enter, Space, right
   click), arrow keys move between cells, and the server's HTML fragments replace the
   changed cells in place. The server decides everything; this only asks and displays. */
(function () {
  "use strict";

  var root = document.getElementById("planning");
  if (!root) return;
  var grid = root.querySelector(".planning__grid"); // the month as the server wrote it
  // Where the cells are: the server's table, or on a phone the days-as-rows table built below.
  var box = root.querySelector(".planning__scroll");
  var live = document.getElementById("planning-live");
  var menu = document.getElementById("cell-menu");
  var dialog = document.getElementById("absence-dialog");
  var absenceForm = document.getElementById("absence-form");
  var absenceWhat = document.getElementById("absence-what");
  var absenceError = document.getElementById("absence-error");
  var bulkForm = document.getElementById("bulk-form");
  var countLine = document.getElementById("selection-count");
  var priceLine = document.getElementById("selection-price");
  var priceUrl = root.dataset.priceUrl;
  var priceTimer = null;
  var priceAsked = 0; // the last request wins: an older answer arriving late is dropped
  var toggle = document.getElementById("selection-toggle");
  var labels = JSON.parse(root.dataset.labels || "{}");
  var actionUrl = root.dataset.actionUrl;
  var submissionKey = root.dataset.submissionKey;
  var csrf = (bulkForm && bulkForm.querySelector("[name=csrfmiddlewaretoken]") || {}).value;
  var menuOwner = null;
  var dialogOwner = null;
  var anchor = null; // last cell picked, for shift-click ranges
  var busy = false;

  root.classList.add("js");

  // ------------------------------------------------------------------ cells

  function cellButtons() {
    return box ? Array.prototype.slice.call(box.querySelectorAll(".cell__btn")) : [];
  }

  // The server writes a cell's selection checkbox only on the no-JS selection page; here
  // each cell gets its own, named after the cell ("Sélectionner GARDERIE, lundi 7 décembre").
  function ensurePick(td, btn) {
    var box = td.querySelector(".cell__pick");
    if (box) return box;
    box = document.createElement("input");
    box.type = "checkbox";
    box.setAttribute("form", "bulk-form");
    box.name = "cells";
    box.value = td.dataset.key;
    box.className = "cell__pick";
    box.disabled = !btn.dataset.actions;
    var what = (btn.getAttribute("aria-label") || "").split(" : ")[0];
    box.setAttribute("aria-label", (labels.pick || "{cell}").replace("{cell}", what));
    td.appendChild(box);
    return box;
  }

  function enhance(btn) {
    btn.type = "button"; // no longer submits the no-JS form
    btn.tabIndex = -1;
    // The cell's button toggles its checkbox: one tab stop for the grid, not one per box.
    ensurePick(cellOf(btn), btn).tabIndex = -1;
    btn.setAttribute("aria-haspopup", "menu");
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-controls", "cell-menu");
  }

  function setActive(btn, focus) {
    if (!btn) return;
    showWeekOf(cellOf(btn));
    cellButtons().forEach(function (b) { if (b !== btn) b.tabIndex = -1; });
    btn.tabIndex = 0;
    if (focus) {
      btn.focus({ preventScroll: true });
      btn.scrollIntoView({ block: "nearest", inline: "nearest" }); // honours the scroll padding
    }
  }

  function cellOf(btn) { return btn.closest("td.cell"); }
  function keyOf(btn) { return cellOf(btn).dataset.key; }

  // Every row of the cell's table, across its bodies (the weeks of the phone view, hidden or not).
  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody > tr"));
  }

  function position(td) {
    var tr = td.parentElement;
    var rows = rowsOf(td.closest("table"));
    var cells = Array.prototype.slice.call(tr.querySelectorAll("td.cell"));
    return { rows: rows, r: rows.indexOf(tr), c: cells.indexOf(td), cells: cells };
  }

  function cellAt(rows, r, c) {
    if (r < 0 || r >= rows.length) return null;
    var cells = rows[r].querySelectorAll("td.cell");
    if (!cells.length) return null;
    c = Math.max(0, Math.min(cells.length - 1, c));
    return cells[c].querySelector(".cell__btn");
  }

  function moveFrom(btn, event) {
    var p = position(cellOf(btn));
    var target = null;
    switch (event.key) {
      case "ArrowRight": target = cellAt(p.rows, p.r, p.c + 1); break;
      case "ArrowLeft": target = cellAt(p.rows, p.r, p.c - 1); break;
      case "ArrowDown": target = cellAt(p.rows, p.r + 1, p.c); break;
      case "ArrowUp": target = cellAt(p.rows, p.r - 1, p.c); break;
      case "Home": target = event.ctrlKey ? cellAt(p.rows, 0, 0) : cellAt(p.rows, p.r, 0); break;
      case "End": target = event.ctrlKey ? cellAt(p.rows, p.rows.length - 1, 1e6) : cellAt(p.rows, p.r, 1e6); break;
      default: return false;
    }
    if (target) setActive(target, true);
    return true;
  }

  // ------------------------------------------------------------------ messages

  // The message shows as a toast that takes no room in the page: the grid never moves
  // under the parent's thumb. It fades after a while; the status role has said it already.
  var liveTimer = null;
  function announce(message, level) {
    live.className = "planning__live is-" + (level || "info");
    live.textContent = "";
    window.clearTimeout(liveTimer);
    // A fresh text node after a tick: screen readers announce even a repeated message.
    window.setTimeout(function () { live.textContent = message; }, 50);
    liveTimer = window.setTimeout(function () { live.textContent = ""; }, level === "error" ? 12000 : 7000);
  }

  // ------------------------------------------------------------------ server

  function post(formData, keys) {
    if (busy) return Promise.resolve(null);
    busy = true;
    formData.set("submission_key", submissionKey);
    formData.set("mois", root.dataset.mois || "");
    keys.forEach(function (k) {
      var td = box.querySelector('td[data-key="' + k + '"]');
      if (td) td.classList.add("is-busy");
    });
    return fetch(actionUrl, {
      method: "POST",
      body: formData,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrf },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data.submission_key) submissionKey = data.submission_key;
        swap(data.cells || {});
        announce(data.message, data.level);
        return data;
      })
      .catch(function () {
        announce(labels.network, "error");
        return null;
      })
      .finally(function () {
        busy = false;
        box.querySelectorAll(".is-busy").forEach(function (td) { td.classList.remove("is-busy"); });
      });
  }

  function swap(fragments) {
    var active = document.activeElement;
    var focusKey = active && active.classList.contains("cell__btn") ? keyOf(active) : null;
    var tabKey = (box.querySelector('.cell__btn[tabindex="0"]') || {}).parentElement;
    tabKey = tabKey ? tabKey.dataset.key : null;
    Object.keys(fragments).forEach(function (key) {
      var old = box.querySelector('td[data-key="' + key + '"]');
      if (!old) return;
      var holder = document.createElement("tbody");
      holder.innerHTML = "<tr>" + fragments[key] + "</tr>";
      var fresh = holder.querySelector("td");
      if (!fresh) return;
      old.replaceWith(fresh);
      var btn = fresh.querySelector(".cell__btn");
      enhance(btn);
      if (key === tabKey) btn.tabIndex = 0;
      if (key === focusKey) btn.focus();
    });
    updateCount();
  }

  function postAction(action, keys) {
    var fd = new FormData();
    fd.set("action", action);
    keys.forEach(function (k) { fd.append("cells", k); });
    return post(fd, keys);
  }

  // ------------------------------------------------------------------ menu

  function menuItems() {
    return Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]'));
  }

  function openMenu(btn, x, y) {
    closeMenu(false);
    menuOwner = btn;
    var actions = (btn.dataset.actions || "").split(" ").filter(Boolean);
    menu.innerHTML = "";
    menu.setAttribute("aria-label", btn.getAttribute("aria-label"));
    var title = document.createElement("p");
    title.className = "cell-menu__title";
    title.setAttribute("aria-hidden", "true");
    title.textContent = btn.getAttribute("aria-label");
    menu.appendChild(title);
    if (!actions.length) actions = ["none"];
    actions.forEach(function (action) {
      var item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      item.tabIndex = -1;
      item.dataset.action = action;
      item.textContent = labels[action] || action;
      if (action === "none") item.setAttribute("aria-disabled", "true");
      menu.appendChild(item);
    });
    if (actions.indexOf("book") >= 0) {
      // The price joins the item's own text, so that a screen reader reads it with the action.
      fetchPrice([keyOf(btn)]).then(function (text) {
        var item = menu.querySelector('[data-action="book"]');
        if (!text || menuOwner !== btn || !item) return;
        var note = document.createElement("span");
        note.className = "cell-menu__price";
        note.textContent = (labels.price_one || "{text}").replace("{text}", text);
        item.appendChild(note);
        if (menu.dataset.above) placeMenu(btn, x, y, true); // taller now: keep it clear of the cell
      });
    }
    menu.hidden = false;
    var top = placeMenu(btn, x, y);
    btn.setAttribute("aria-expanded", "true");
    menuItems()[0].focus({ preventScroll: top >= 0 && top + menu.offsetHeight <= document.documentElement.clientHeight });
  }

  // Below the cell, or above it when the screen has no room below: opening the menu never
  // scrolls the page, so the grid stays where the thumb left it. Returns the menu's top in
  // the viewport.
  function placeMenu(btn, x, y, keepAbove) {
    var rect = btn.getBoundingClientRect();
    var left = (x != null ? x : rect.left) + window.scrollX;
    var maxLeft = window.scrollX + document.documentElement.clientWidth - menu.offsetWidth - 8;
    var height = menu.offsetHeight + 48; // room for the price line that arrives a moment later
    var below = y != null ? y : rect.bottom;
    var above = rect.top - menu.offsetHeight; // above the cell itself, not the pointer: the cell stays visible
    var top = keepAbove || (below + height > document.documentElement.clientHeight - 8 && above >= 8) ? above : below;
    menu.dataset.above = top === above ? "1" : "";
    menu.style.left = Math.max(window.scrollX + 8, Math.min(left, maxLeft)) + "px";
    menu.style.top = top + window.scrollY + "px";
    return top;
  }

  function closeMenu(restoreFocus) {
    if (menu.hidden) return;
    menu.hidden = true;
    menu.innerHTML = "";
    if (menuOwner) {
      menuOwner.setAttribute("aria-expanded", "false");
      if (restoreFocus && document.body.contains(menuOwner)) menuOwner.focus();
    }
    menuOwner = null;
  }

  menu.addEventListener("keydown", function (event) {
    var items = menuItems();
    var i = items.indexOf(document.activeElement);
    var next = null;
    switch (event.key) {
      case "ArrowDown": next = items[(i + 1) % items.length]; break;
      case "ArrowUp": next = items[(i - 1 + items.length) % items.length]; break;
      case "Home": next = items[0]; break;
      case "End": next = items[items.length - 1]; break;
      case "Escape": event.preventDefault(); closeMenu(true); return;
      case "Tab": event.preventDefault(); closeMenu(true); return;
      default: return;
    }
    event.preventDefault();
    if (next) next.focus();
  });

  menu.addEventListener("click", function (event) {
    var item = event.target.closest('[role="menuitem"]');
    if (!item || item.getAttribute("aria-disabled") === "true") {
      if (item) closeMenu(true);
      return;
    }
    var owner = menuOwner;
    var key = keyOf(owner);
    closeMenu(true);
    if (item.dataset.action === "absence") openAbsence([key], owner);
    else postAction(item.dataset.action, [key]);
  });

  document.addEventListener("click", function (event) {
    if (!menu.hidden && !menu.contains(event.target) && !(menuOwner && menuOwner.contains(event.target))) closeMenu(false);
  });
  window.addEventListener("resize", function () { closeMenu(false); });

  // ------------------------------------------------------------------ absence dialog

  function openAbsence(keys, owner) {
    absenceForm.reset();
    absenceError.textContent = "";
    absenceForm.querySelectorAll('input[name="cells"]').forEach(function (i) { i.remove(); });
    keys.forEach(function (k) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "cells";
      input.value = k;
      absenceForm.appendChild(input);
    });
    if (keys.length === 1) {
      var btn = box.querySelector('td[data-key="' + keys[0] + '"] .cell__btn');
      absenceWhat.textContent = btn ? btn.getAttribute("aria-label").split(" : ")[0] : "";
    } else {
      absenceWhat.textContent = countText(keys.length);
    }
    dialogOwner = owner || null;
    dialog.showModal();
    var first = absenceForm.querySelector('input[name="reason"]');
    if (first) first.focus();
  }

  dialog.addEventListener("close", function () {
    if (dialogOwner && document.body.contains(dialogOwner)) dialogOwner.focus();
    else {
      var fresh = box.querySelector('.cell__btn[tabindex="0"]');
      if (fresh) fresh.focus();
    }
    dialogOwner = null;
  });
  dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });

  // The dialog says itself what is missing, in its own error line, instead of the browser's bubble.
  absenceForm.noValidate = true;
  var reasons = absenceForm.querySelector("fieldset.reasons");
  if (reasons) reasons.setAttribute("aria-describedby", "absence-error");

  absenceForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!absenceForm.querySelector('input[name="reason"]:checked')) {
      absenceError.textContent = labels.reason_missing || "";
      var first = absenceForm.querySelector('input[name="reason"]');
      if (first) first.focus();
      return;
    }
    var fd = new FormData(absenceForm);
    var keys = fd.getAll("cells");
    var ownerKey = dialogOwner ? keyOf(dialogOwner) : null;
    post(fd, keys).then(function (data) {
      if (!data) return;
      if (data.ok) {
        clearSelection();
        if (ownerKey) dialogOwner = box.querySelector('td[data-key="' + ownerKey + '"] .cell__btn');
        dialog.close();
      } else {
        absenceError.textContent = data.message;
      }
    });
  });

  // ------------------------------------------------------------------ selection

  function selecting() { return root.classList.contains("is-selecting"); }

  function picks() {
    return Array.prototype.slice.call(box.querySelectorAll(".cell__pick:checked"));
  }

  function updateCount() {
    if (!grid) return;
    var on = selecting();
    box.querySelectorAll("td.cell").forEach(function (td) {
      var box = td.querySelector(".cell__pick");
      var btn = td.querySelector(".cell__btn");
      var picked = !!(box && box.checked);
      td.classList.toggle("is-picked", picked);
      // In selection mode a cell is a toggle button: its state is read out, no menu opens.
      if (on && box && !box.disabled) {
        btn.setAttribute("aria-pressed", picked ? "true" : "false");
        ["aria-haspopup", "aria-expanded", "aria-controls"].forEach(function (a) { btn.removeAttribute(a); });
      } else {
        btn.removeAttribute("aria-pressed");
        btn.setAttribute("aria-haspopup", "menu");
        btn.setAttribute("aria-expanded", btn === menuOwner ? "true" : "false");
        btn.setAttribute("aria-controls", "cell-menu");
      }
    });
    if (countLine) {
      var n = picks().length;
      countLine.textContent = countText(n);
    }
    keepClearOfBar();
    if (priceLine) {
      clearTimeout(priceTimer);
      priceTimer = setTimeout(showSelectionPrice, 200);
    }
  }

  // ------------------------------------------------------------------ prices

  // What booking `keys` would cost, asked to the server (the invoices' own rules); "" if nothing.
  function fetchPrice(keys) {
    if (!priceUrl || !keys.length) return Promise.resolve("");
    var query = keys.map(function (k) { return "cells=" + encodeURIComponent(k); }).join("&");
    return fetch(priceUrl + "?" + query, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { text: "" }; })
      .then(function (data) { return data.text || ""; })
      .catch(function () { return ""; });
  }

  function showSelectionPrice() {
    var keys = picks().map(function (box) { return box.value; });
    var asked = ++priceAsked;
    if (!keys.length) { priceLine.textContent = ""; return; }
    fetchPrice(keys).then(function (text) {
      if (asked !== priceAsked) return;
      priceLine.textContent = text ? (labels.price || "{text}").replace("{text}", text) : "";
    });
  }

  function countText(n) {
    return n === 0 ? labels.count_0 : n === 1 ? labels.count_1 : labels.count_n.replace("{n}", n);
  }

  function clearSelection() {
    picks().forEach(function (box) { box.checked = false; });
    updateCount();
  }

  function pick(btn, range) {
    var box = cellOf(btn).querySelector(".cell__pick");
    if (!box || box.disabled) {
      announce(labels.not_selectable, "info");
      return;
    }
    if (range && anchor && document.body.contains(anchor)) {
      var a = position(cellOf(anchor));
      var b = position(cellOf(btn));
      for (var r = Math.min(a.r, b.r); r <= Math.max(a.r, b.r); r++) {
        for (var c = Math.min(a.c, b.c); c <= Math.max(a.c, b.c); c++) {
          var other = cellAt(a.rows, r, c);
          var otherBox = other && cellOf(other).querySelector(".cell__pick");
          if (otherBox && !otherBox.disabled) otherBox.checked = true;
        }
      }
    } else {
      box.checked = !box.checked;
      anchor = btn;
    }
    updateCount();
  }

  function pickAll(boxes) {
    boxes = boxes.filter(function (b) { return !b.disabled; });
    var all = boxes.length && boxes.every(function (b) { return b.checked; });
    boxes.forEach(function (b) { b.checked = !all; });
    updateCount();
  }

  // In selection mode a bar sticks to the bottom of the screen: the page keeps its height
  // as scroll padding, so that a cell reached with the keyboard is scrolled above the bar.
  function keepClearOfBar() {
    var on = selecting() && bulkForm;
    document.documentElement.style.scrollPaddingBottom = on ? (bulkForm.offsetHeight + 16) + "px" : "";
  }

  function setSelecting(on) {
    root.classList.toggle("is-selecting", on);
    keepClearOfBar();
    if (toggle) toggle.setAttribute("aria-pressed", on ? "true" : "false");
    if (!on) clearSelection();
    else updateCount();
  }

  if (toggle) toggle.addEventListener("click", function () { setSelecting(!selecting()); });

  root.addEventListener("click", function (event) {
    var row = event.target.closest("[data-row-pick]");
    if (row) {
      pickAll(Array.prototype.slice.call(row.closest("tr").querySelectorAll(".cell__pick")));
      return;
    }
    var week = event.target.closest("[data-week]");
    if (week) {
      var monday = new Date(week.dataset.week + "T12:00:00");
      var sunday = new Date(monday.getTime() + 6 * 864e5);
      pickAll(Array.prototype.slice.call(box.querySelectorAll(".cell__pick")).filter(function (box) {
        var day = new Date(cellOf(box).dataset.date + "T12:00:00");
        return day >= monday && day <= sunday;
      }));
    }
  });

  if (bulkForm) {
    bulkForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var action = event.submitter ? event.submitter.value : "book";
      var keys = picks().map(function (box) { return box.value; });
      if (!keys.length) {
        announce(labels.select_first, "warning");
        return;
      }
      if (action === "absence") {
        openAbsence(keys, event.submitter);
        return;
      }
      postAction(action, keys).then(function (data) { if (data && data.ok) clearSelection(); });
    });
  }

  // ------------------------------------------------------------------ phone: days as rows

  // On a narrow screen the month is shown week by week, days as rows and services as columns.
  // The server's cells are MOVED (not copied) into that table, so their ids, menus, selection,
  // keys and in-place updates keep working; they go back to the server's table when widening.
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 40rem)") : null;
  var days = null; // the days-as-rows table while it is shown
  var weekNav = null;
  var origin = []; // per row of the server's table, the keys of its cells in order
  var tools = root.querySelector(".planning__tools");
  var toolsHome = tools && tools.nextElementSibling; // where the tools go back to

  function textOf(th) {
    return Array.prototype.slice.call(th.childNodes)
      .filter(function (n) { return n.nodeType === 3; })
      .map(function (n) { return n.nodeValue; }).join("").trim();
  }

  function mondayOf(iso) {
    var d = new Date(iso + "T12:00:00");
    d.setDate(d.getDate() - (d.getDay() + 6) % 7);
    var m = d.getMonth() + 1, day = d.getDate();
    return d.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (day < 10 ? "0" : "") + day;
  }

  function weeks() { return days ? Array.prototype.slice.call(days.tBodies) : []; }

  function showWeek(body) {
    var all = weeks();
    if (!body || all.indexOf(body) === -1) return;
    all.forEach(function (b) { b.hidden = b !== body; });
    var i = all.indexOf(body);
    weekNav.querySelector(".planning__week-title").textContent = body.dataset.title;
    weekNav.querySelectorAll("[data-week-step]").forEach(function (b) {
      var to = i + Number(b.dataset.weekStep);
      b.setAttribute("aria-disabled", to < 0 || to >= all.length ? "true" : "false");
    });
    // The grid's one tab stop must be a cell of the week shown.
    var current = box.querySelector('.cell__btn[tabindex="0"]');
    if (!current || current.closest("tbody") !== body) {
      var first = Array.prototype.slice.call(body.querySelectorAll(".cell__btn"));
      var next = first.find(function (b) { return b.dataset.actions; }) || first[0];
      if (current && next) current.tabIndex = -1;
      if (next) next.tabIndex = 0;
    }
  }

  function showWeekOf(td) {
    if (!days || !td) return;
    var body = td.closest("tbody");
    if (body && body.hidden) showWeek(body);
  }

  function buildDays() {
    // Its words come from the page: "Changer de semaine|Semaine précédente|Semaine suivante|Jour".
    var words = (root.dataset.weeks || "").split("|");
    var heads = Array.prototype.slice.call(grid.tHead.rows[0].querySelectorAll("th.col-day"));
    var rows = Array.prototype.slice.call(grid.tBodies[0].rows);
    var cells = rows.map(function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("td.cell")); });
    if (days || words.length < 4 || !heads.length || !rows.length) return;
    origin = cells.map(function (list) { return list.map(function (td) { return td.dataset.key; }); });
    var names = rows.map(function (tr) { return textOf(tr.querySelector("th.col-service")); });
    var focused = document.activeElement && document.activeElement.classList.contains("cell__btn") ? document.activeElement : null;

    days = document.createElement("table");
    days.className = "planning__grid planning__days";
    if (grid.caption) days.appendChild(grid.caption); // moved: the region is named by it
    var head = days.createTHead().insertRow();
    var corner = document.createElement("th");
    corner.scope = "col";
    corner.className = "col-date";
    corner.textContent = words[3];
    head.appendChild(corner);
    rows.forEach(function (tr, r) {
      var th = document.createElement("th");
      th.scope = "col";
      th.className = "col-svc";
      th.textContent = names[r];
      var twice = names.filter(function (n) { return n === names[r]; }).length > 1;
      var resp = tr.querySelector("th.col-resp");
      if (twice && resp) {
        var who = document.createElement("span");
        who.className = "col-svc__resp";
        who.textContent = resp.textContent.trim();
        th.appendChild(who);
      }
      head.appendChild(th);
    });
    var bodies = {};
    heads.forEach(function (dayHead, i) {
      var first = cells.map(function (list) { return list[i]; }).filter(Boolean)[0];
      if (!first) return;
      var monday = mondayOf(first.dataset.date);
      var body = bodies[monday];
      if (!body) {
        body = bodies[monday] = days.createTBody();
        body.dataset.week = monday;
        var pickWeek = root.querySelector('[data-week="' + monday + '"]');
        body.dataset.title = pickWeek ? pickWeek.textContent.trim() : dayHead.textContent.trim();
      }
      var tr = body.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.className = "col-date " + dayHead.className.replace("col-day", "").trim();
      if (dayHead.hasAttribute("aria-current")) th.setAttribute("aria-current", "date");
      th.innerHTML = dayHead.innerHTML;
      tr.appendChild(th);
      cells.forEach(function (list) { if (list[i]) tr.appendChild(list[i]); });
    });

    weekNav = document.createElement("nav");
    weekNav.className = "planning__week-nav";
    weekNav.setAttribute("aria-label", words[0]);
    [-1, 1].forEach(function (step) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button button--secondary";
      b.dataset.weekStep = step;
      b.textContent = words[step < 0 ? 1 : 2];
      weekNav.appendChild(b);
    });
    var title = document.createElement("p");
    title.className = "planning__week-title";
    title.setAttribute("aria-live", "polite");
    weekNav.insertBefore(title, weekNav.lastChild);
    box.parentNode.insertBefore(weekNav, box);
    // The secondary tools (selection, rhythm) go below the grid: the thumb reaches the days first.
    if (tools) box.parentNode.insertBefore(tools, bulkForm || box.nextSibling);
    grid.hidden = true;
    box.appendChild(days);
    // The current week first (the week of today, else of the active cell, else the first one).
    var start = days.querySelector("th.is-today") || (focused || box.querySelector('.cell__btn[tabindex="0"]') || {});
    showWeek((start.closest && start.closest("tbody")) || days.tBodies[0]);
    if (focused) {
      showWeekOf(cellOf(focused));
      focused.focus({ preventScroll: true });
    }
  }

  function restoreDays() {
    if (!days) return;
    var focused = document.activeElement;
    var rows = grid.tBodies[0].rows;
    origin.forEach(function (keys, r) {
      keys.forEach(function (key) {
        var td = box.querySelector('td[data-key="' + key + '"]');
        if (td) rows[r].appendChild(td);
      });
    });
    if (days.caption) grid.insertBefore(days.caption, grid.firstChild);
    days.remove();
    weekNav.remove();
    if (tools && toolsHome) toolsHome.parentNode.insertBefore(tools, toolsHome);
    days = weekNav = null;
    grid.hidden = false;
    if (focused && focused.classList.contains("cell__btn")) focused.focus({ preventScroll: true });
  }

  // What is one tap away on a phone is open on a wide screen: the child's card, the legend.
  function fitToWidth() {
    var small = !!(narrow && narrow.matches);
    var card = document.getElementById("child-details");
    var legend = document.getElementById("legend");
    if (card) card.open = !small;
    if (legend) legend.open = !small;
    if (grid && small) buildDays();
    else restoreDays();
  }

  root.addEventListener("click", function (event) {
    var step = event.target.closest("[data-week-step]");
    if (!step || !days) return;
    if (step.getAttribute("aria-disabled") === "true") return;
    var all = weeks();
    var shown = all.filter(function (b) { return !b.hidden; })[0];
    showWeek(all[all.indexOf(shown) + Number(step.dataset.weekStep)]);
  });

  // The printed month is the server's table, with its legend.
  window.addEventListener("beforeprint", function () {
    restoreDays();
    var legend = document.getElementById("legend");
    if (legend) legend.open = true;
  });
  window.addEventListener("afterprint", fitToWidth);

  // "Aller au planning" comes right after "Aller au contenu" and lands on the grid's cell.
  var skip = document.getElementById("skip-planning");
  var firstSkip = document.querySelector("body > .skip-link");
  if (skip && firstSkip) firstSkip.after(skip);
  if (skip) {
    skip.addEventListener("click", function (event) {
      var target = box && box.querySelector('.cell__btn[tabindex="0"]');
      if (!target) return;
      event.preventDefault();
      setActive(target, true);
    });
  }

  // ------------------------------------------------------------------ grid events

  if (grid) {
    cellButtons().forEach(enhance);
    var start = box.querySelector(".is-today .cell__btn") ||
      cellButtons().find(function (b) { return b.dataset.actions; }) || cellButtons()[0];
    if (start) start.tabIndex = 0;

    box.addEventListener("click", function (event) {
      var btn = event.target.closest(".cell__btn");
      if (btn) {
        setActive(btn, false);
        if (selecting()) pick(btn, event.shiftKey);
        else openMenu(btn, event.detail ? event.clientX : null, event.detail ? event.clientY : null);
        return;
      }
      var box = event.target.closest(".cell__pick");
      if (box) {
        if (event.shiftKey && anchor) { box.checked = !box.checked; pick(box.parentElement.querySelector(".cell__btn"), true); }
        else anchor = box.parentElement.querySelector(".cell__btn");
        updateCount();
      }
    });

    box.addEventListener("contextmenu", function (event) {
      var btn = event.target.closest(".cell__btn");
      if (!btn) return;
      event.preventDefault();
      setActive(btn, true);
      openMenu(btn, event.clientX, event.clientY);
    });

    box.addEventListener("keydown", function (event) {
      var btn = event.target.closest(".cell__btn");
      if (!btn) return;
      if (event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")) {
        event.preventDefault();
        openMenu(btn);
        return;
      }
      if (moveFrom(btn, event)) event.preventDefault();
    });
  }
  fitToWidth();
  if (narrow) {
    if (narrow.addEventListener) narrow.addEventListener("change", fitToWidth);
    else narrow.addListener(fitToWidth);
  }
  updateCount();
})();
