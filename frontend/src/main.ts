import "./chat.css";

// Mounts the chat into #app. The real-time client lives beside this file.
function mount(root: HTMLElement): void {
  const status = document.createElement("p");
  status.className = "status";
  status.setAttribute("role", "status");
  status.textContent = "Getting ready…";
  root.append(status);
  root.dataset.ready = "true";
}

const root = document.getElementById("app");
if (root) mount(root);
