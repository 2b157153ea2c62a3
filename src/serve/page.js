// The search page's script (served at /page.js; the Content-Security-Policy allows no
// inline script). Two jobs, and the page works without it but for the token:
// - a button with data-copy="ID" copies the text of the element ID (the citation box);
// - the upload form is sent with fetch, the token (when typed) in the Authorization header,
//   where the server checks it before reading the body; the answer, one line per file, is
//   shown under the form.
"use strict";

function copyText(button) {
  const box = document.getElementById(button.dataset.copy);
  const status = button.nextElementSibling;
  const text = box.value !== undefined ? box.value : box.textContent;
  const done = () => { if (status) { status.textContent = "已複製 copied"; } };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => { box.select(); document.execCommand("copy"); done(); });
  } else {
    box.select();
    document.execCommand("copy");
    done();
  }
}

function showResults(list, answer) {
  list.replaceChildren();
  const files = answer.files || [];
  if (files.length === 0) {
    const li = document.createElement("li");
    li.className = "refused";
    li.textContent = answer.error || "上傳失敗 upload failed";
    list.append(li);
    return;
  }
  for (const file of files) {
    const li = document.createElement("li");
    li.className = file.outcome;
    li.dataset.outcome = file.outcome;
    li.textContent = file.name + "：" + file.message;
    if (file.outcome === "added" || file.outcome === "replaced") {
      li.append(" ");
      const link = document.createElement("a");
      link.href = "/r/" + encodeURIComponent(file.id);
      link.textContent = "閱讀";
      li.append(link);
    }
    list.append(li);
  }
}

function sendUpload(event) {
  const form = event.target;
  event.preventDefault();
  const list = document.getElementById("upload-results");
  const token = document.getElementById("upload-token");
  const headers = {};
  if (token && token.value.trim() !== "") {
    headers.Authorization = "Bearer " + token.value.trim();
  }
  list.replaceChildren();
  const waiting = document.createElement("li");
  waiting.textContent = "上傳中… uploading";
  list.append(waiting);
  fetch("/api/reports", { method: "POST", body: new FormData(form), headers: headers })
    .then((response) => response.json())
    .then((answer) => showResults(list, answer))
    .catch(() => showResults(list, { error: "上傳失敗，請再試一次 upload failed; try again" }));
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.addEventListener("click", () => copyText(button));
  }
  const form = document.getElementById("upload");
  if (form) {
    form.addEventListener("submit", sendUpload);
  }
});
