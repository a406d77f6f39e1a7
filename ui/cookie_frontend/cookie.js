// Keeps or clears the dashboard's session cookie, as the server asks (ui/session_cookie.py), and the
// language cookie (ui/language.py): a signed token, or a two-letter language code.
// A file, not an inline script, so that the deployment's Content-Security-Policy (script-src 'self') allows it.
// The frame is on the app's own origin, so a cookie set here with Path=/ is sent with the app's next connection.
(function () {
  function send(type, data) {
    window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, data), "*");
  }
  var TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== "streamlit:render") return;
    var args = event.data.args || {};
    if (!/^[a-z_]+$/.test(args.name || "")) return;
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    var left = Math.floor((args.expires || 0) - Date.now() / 1000);  // the token's expiry, as this clock reads it
    var keep = (TOKEN.test(args.token || "") || /^[a-z]{2}$/.test(args.token || "")) && left > 0;
    document.cookie = args.name + "=" + (keep ? args.token : "") + "; Max-Age=" + (keep ? left : 0)
      + "; Path=/; SameSite=Strict" + secure;
    if (/^[a-z]{2}$/.test(args.lang || "")) {
      try { window.parent.document.documentElement.lang = args.lang; } catch (e) { /* another origin: leave it */ }
    }
    // The language frame asks for no answer: an answer is a rerun, and a click (signing in) made during it was lost.
    if (args.reply !== false) send("streamlit:setComponentValue", { value: keep ? "kept" : "cleared", dataType: "json" });
  });
  send("streamlit:componentReady", { apiVersion: 1 });
  send("streamlit:setFrameHeight", { height: 0 });
})();
