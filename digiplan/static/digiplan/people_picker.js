/* A searchable picker in front of a grouped <select data-people-picker="single|multiple">.
 *
 * Without JavaScript the select itself is the control (grouped by role, the plan's own people
 * first). With it, the select is hidden and an ARIA 1.2 combobox takes its place: a text input
 * that filters a listbox popup of the same options and groups. The focus stays in the input;
 * Arrow keys move the active option (aria-activedescendant), Enter chooses it, Escape closes the
 * list (or clears the text), and a status line says how many people match. The select stays the
 * form's value, so what is posted and validated is unchanged.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function enhance(select, number) {
    var multiple = select.multiple;
    var base = select.id || "people-picker-" + number;
    var label = document.querySelector('label[for="' + select.id + '"]');
    var texts = select.dataset;

    var box = document.createElement("div");
    box.className = "people-picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = base + "-search";
    input.className = "people-picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-list");
    input.setAttribute("autocomplete", "off");
    var list = document.createElement("div");
    list.id = base + "-list";
    list.className = "people-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    if (multiple) list.setAttribute("aria-multiselectable", "true");
    var status = document.createElement("p");
    status.id = base + "-status";
    status.className = "people-picker-status";
    status.setAttribute("role", "status");
    var chosen = document.createElement("ul");
    chosen.className = "people-picker-chosen";
    chosen.setAttribute("aria-label", texts.textChosen || "");

    if (label) {
      label.id = label.id || base + "-label";
      label.htmlFor = input.id;
      list.setAttribute("aria-labelledby", label.id);
    }
    var described = [status.id];
    if (select.getAttribute("aria-describedby")) described.push(select.getAttribute("aria-describedby"));
    input.setAttribute("aria-describedby", described.join(" "));
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));

    // The listbox mirrors the select: a group per optgroup, an option per option.
    var options = [];
    function addOption(parent, option) {
      var item = document.createElement("div");
      item.id = base + "-option-" + options.length;
      item.className = "people-picker-option";
      item.setAttribute("role", "option");
      item.textContent = option.textContent;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); });
      item.addEventListener("click", function () { choose(entry); });
      parent.appendChild(item);
      var entry = { item: item, option: option, key: fold(option.textContent), group: null };
      options.push(entry);
      return entry;
    }
    Array.prototype.forEach.call(select.children, function (child, index) {
      if (child.tagName === "OPTGROUP") {
        var group = document.createElement("div");
        group.setAttribute("role", "group");
        var heading = document.createElement("div");
        heading.id = base + "-group-" + index;
        heading.className = "people-picker-group";
        heading.setAttribute("role", "presentation");
        heading.textContent = child.label;
        group.setAttribute("aria-labelledby", heading.id);
        group.appendChild(heading);
        Array.prototype.forEach.call(child.children, function (option) {
          addOption(group, option).group = group;
        });
        list.appendChild(group);
      } else {
        addOption(list, child);
      }
    });

    var active = -1;
    function visible() {
      return options.filter(function (entry) { return !entry.item.hidden; });
    }
    function count(n) {
      var text = n === 1 ? texts.textOne : texts.textMany;
      return (text || "%(count)s").replace("%(count)s", n);
    }
    function sync() {
      options.forEach(function (entry) {
        entry.item.setAttribute("aria-selected", entry.option.selected && entry.option.value !== "" ? "true" : "false");
      });
      if (!multiple) return;
      chosen.textContent = "";
      options.forEach(function (entry) {
        if (!entry.option.selected) return;
        var li = document.createElement("li");
        li.appendChild(document.createTextNode(entry.option.textContent + " "));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-secondary button-small";
        remove.textContent = (texts.textRemove || "Remove") + " ";
        var who = document.createElement("span");
        who.className = "visually-hidden";
        who.textContent = entry.option.textContent;
        remove.appendChild(who);
        remove.addEventListener("click", function () {
          entry.option.selected = false;
          sync();
          input.focus();
        });
        li.appendChild(remove);
        chosen.appendChild(li);
      });
      chosen.hidden = !chosen.children.length;
    }
    function filter() {
      var wanted = fold(input.value.trim());
      if (!multiple && select.selectedIndex >= 0 && input.value === select.options[select.selectedIndex].textContent) {
        wanted = "";  // the chosen name in the box: show every option again
      }
      options.forEach(function (entry) {
        entry.item.hidden = wanted !== "" && entry.key.indexOf(wanted) === -1;
      });
      list.querySelectorAll("[role=group]").forEach(function (group) {
        group.hidden = !group.querySelector("[role=option]:not([hidden])");
      });
      var shown = visible().filter(function (entry) { return entry.option.value !== ""; }).length;
      status.textContent = count(shown);
      setActive(-1);
    }
    function open() {
      if (!list.hidden) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    function setActive(index) {
      var shown = visible();
      options.forEach(function (entry) { entry.item.classList.remove("active"); });
      active = index;
      if (index < 0 || index >= shown.length) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      shown[index].item.classList.add("active");
      input.setAttribute("aria-activedescendant", shown[index].item.id);
      shown[index].item.scrollIntoView({ block: "nearest" });
    }
    function choose(entry) {
      if (multiple) {
        entry.option.selected = !entry.option.selected;
        sync();
        return;
      }
      select.value = entry.option.value;
      input.value = entry.option.value === "" ? "" : entry.option.textContent;
      sync();
      close();
      filter();
    }

    input.addEventListener("input", function () { filter(); open(); });
    input.addEventListener("keydown", function (event) {
      var shown = visible();
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { open(); if (!event.altKey) setActive(0); return; }
        setActive(Math.min(active + 1, shown.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { open(); setActive(shown.length - 1); return; }
        setActive(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();  // choose, do not submit the form
          choose(shown[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
        else if (input.value) { event.preventDefault(); input.value = ""; if (!multiple) { select.value = ""; sync(); } filter(); }
      }
    });
    input.addEventListener("blur", function () { close(); });
    input.addEventListener("click", function () { open(); });

    if (!multiple && select.selectedIndex >= 0 && select.value !== "") {
      input.value = select.options[select.selectedIndex].textContent;
    }
    if (texts.textHint) input.setAttribute("placeholder", texts.textHint);
    var help = document.getElementById(select.id + "_helptext");
    if (help && texts.textHelp) help.textContent = texts.textHelp;  // no Ctrl to hold here
    box.appendChild(input);
    box.appendChild(status);
    box.appendChild(list);
    if (multiple) box.appendChild(chosen);
    select.parentNode.insertBefore(box, select);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    sync();
    filter();
  }

  function start() {
    document.querySelectorAll("select[data-people-picker]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
