"""A browserless Streamlit client: one simulated user speaking the app's websocket protocol.

What a browser does, and this does too (read from Streamlit 1.67's own server code):
- GET `/_stcore/health` (the front end's first request), which sets the `_streamlit_xsrf` cookie;
- open `/_stcore/stream` with subprotocols `streamlit, <xsrf token>`, that cookie and an Origin;
- send a `BackMsg.rerun_script` (a `ClientState`) for every click: a page switch sends the page's
  `page_script_hash` and no widget states, a widget sends its new state, a form submit sends the
  form's values and its submit button's trigger;
- read `ForwardMsg`s until `script_finished`; keep the cacheable ones by hash and list those hashes
  in every rerun, so the server sends a reference instead of a message the client already has.

What a browser does and this does not: draw anything, send heartbeats, keep widget states for
widgets it did not change (the server keeps their last values, so the runs are the same).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
ERROR_ALERT = Alert.Format.ERROR
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
MAX_MESSAGE_BYTES = 200 * 1024 * 1024  # a page's largest message (a chart, a table) must get through
WIDGETS = (
    "button",
    "text_input",
    "radio",
    "selectbox",
    "checkbox",
    "multiselect",
    "number_input",
    "date_input",
    "slider",
    "text_area",
    "file_uploader",
    "download_button",
    "button_group",
)


@dataclass
class Run:
    """One click: what the server sent back, and when."""

    page: str
    server_s: float = 0.0  # rerun sent → script_finished received
    last_delta_s: float | None = None  # rerun sent → the run's last delta received
    server_cpu_ms: float | None = None  # the server's CPU time over the click, when it was alone
    deltas: int = 0
    bytes: int = 0
    title: str | None = None  # the first st.title the run drew
    errors: list[str] = field(default_factory=list)  # exception elements and compile errors
    notes: list[str] = field(default_factory=list)  # what the caller saw that a person would notice
    alerts: list[str] = field(default_factory=list)  # the st.error messages the run drew
    widgets: dict[str, tuple[str, object]] = field(default_factory=dict)  # label: (kind, element proto)


class Session:
    """One user's own browser session: its own cookie, XSRF token and websocket."""

    def __init__(self, base_url: str, timeout_s: float = 120.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.pages: dict[str, str] = {}  # page title: page_script_hash, from the last navigation message
        self.current_page = ""
        self.last_run: Run | None = None
        self._cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the browser keeps them
        self._ws = None

    async def open(self) -> Run:
        """Ask the server's health (for the cookie), open the websocket and run the app's first page."""
        cookie = await asyncio.to_thread(self._xsrf_cookie)
        host = self.base_url.split("://", 1)[1]
        self._ws = await connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit", cookie[XSRF_COOKIE].value],
            additional_headers={"Cookie": "; ".join(f"{k}={m.value}" for k, m in cookie.items())},
            origin=self.base_url,
            max_size=MAX_MESSAGE_BYTES,
            open_timeout=self.timeout_s,
            ping_interval=None,  # the server pings; the library answers on its own
        )
        return await self.rerun()

    def _xsrf_cookie(self) -> SimpleCookie:
        with urllib.request.urlopen(self.base_url + "/_stcore/health", timeout=self.timeout_s) as response:
            cookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie.load(header)
        if XSRF_COOKIE not in cookie:
            raise RuntimeError(f"{self.base_url}/_stcore/health set no {XSRF_COOKIE} cookie")
        return cookie

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def click_page(self, title: str) -> Run:
        """Switch to a page of the navigation menu, as a click on its link does."""
        self.current_page = title
        return await self.rerun(page_script_hash=self.pages[title])

    async def set_widgets(self, states: list[WidgetState]) -> Run:
        """Rerun the current page with these widget states (a changed widget, or a submitted form)."""
        return await self.rerun(page_script_hash=self.pages.get(self.current_page, ""), widget_states=states)

    async def submit_form(self, run: Run, values: dict[str, str], button: str) -> Run:
        """Type `values` into the text inputs of `run` (by label) and press the form's `button`."""
        states = [text_state(run, label, value) for label, value in values.items()]
        kind, proto = run.widgets[button]
        states.append(WidgetState(id=proto.id, trigger_value=True))
        return await self.set_widgets(states)

    async def rerun(self, page_script_hash: str = "", widget_states: list[WidgetState] = ()) -> Run:
        """Send one rerun request and read the server's messages until the run has finished."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_script_hash = page_script_hash
        state.widget_states.widgets.extend(widget_states)
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = "Europe/London"
        state.context_info.locale = "en-GB"
        state.context_info.url = self.base_url + "/"
        run = Run(page=self.current_page or "(first page)")
        start = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        async with asyncio.timeout(self.timeout_s):
            while True:
                frame = await self._ws.recv()
                received = time.perf_counter() - start
                msg = ForwardMsg()
                msg.ParseFromString(frame)
                if msg.HasField("ref_hash"):
                    msg = self._cache[msg.ref_hash]
                elif msg.metadata.cacheable:
                    self._cache[msg.hash] = msg
                if self._read(msg, run, frame):
                    run.last_delta_s = received
                if msg.HasField("script_finished") and msg.script_finished in DONE:
                    run.server_s = received
                    self.last_run = run
                    return run

    def _read(self, msg: ForwardMsg, run: Run, frame: bytes) -> bool:
        """Note what one message tells about the run; True when it is a delta."""
        run.bytes += len(frame)
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # a run starts (again, after st.rerun): what it draws replaces the last
            run.title, run.widgets, run.alerts = None, {}, []
        elif kind == "navigation":
            self.pages = {page.page_name: page.page_script_hash for page in msg.navigation.app_pages}
            current = [
                p.page_name for p in msg.navigation.app_pages if p.page_script_hash == msg.navigation.page_script_hash
            ]
            self.current_page = current[0] if current else self.current_page
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            run.errors.append(_exception_text(msg.session_event.script_compilation_exception))
        elif kind == "delta":
            run.deltas += 1
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            if what == "exception":
                run.errors.append(_exception_text(element.exception))
            elif what == "alert" and element.alert.format == ERROR_ALERT:
                run.alerts.append(element.alert.body)
            elif what == "heading" and element.heading.tag == "h1" and run.title is None:
                run.title = element.heading.body
            elif what in WIDGETS:
                proto = getattr(element, what)
                run.widgets[proto.label] = (what, proto)
            return True
        return False


def text_state(run: Run, label: str, value: str) -> WidgetState:
    kind, proto = run.widgets[label]
    return WidgetState(id=proto.id, string_value=value)


def choice_state(run: Run, label: str, option: str) -> WidgetState:
    """A radio or selectbox set to one of its options (they send the option's text)."""
    kind, proto = run.widgets[label]
    if option not in proto.options:
        raise ValueError(f"{label!r} has no option {option!r}: {list(proto.options)}")
    return WidgetState(id=proto.id, string_value=option)


def _exception_text(exc) -> str:
    return f"{exc.type}: {exc.message}"
