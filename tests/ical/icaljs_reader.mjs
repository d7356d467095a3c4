// Reads iCalendar texts with ical.js (Mozilla's parser, as in Thunderbird) and reports each event's start and end.
// Protocol: one JSON request per stdin line, {"ics": "..."}; one JSON reply per line,
// {"events": [{"uid", "start", "end", "summary"}]} or {"error": "..."}.
// Times: all-day "YYYY-MM-DD"; zoned or UTC as the UTC instant "YYYY-MM-DDTHH:MM:SSZ"; floating without Z.
import { createRequire } from "node:module";
import readline from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "clients", "package.json"));
const ICAL = (await import(require.resolve("ical.js"))).default;

const pad = (n, w = 2) => String(n).padStart(w, "0");

function show(time) {
  if (time.isDate) return `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  const floating = time.zone === ICAL.Timezone.localTimezone || !time.zone;
  const t = floating ? time : time.convertToZone(ICAL.Timezone.utcTimezone);
  const text = `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
  return floating ? text : text + "Z";
}

function read(ics) {
  const root = new ICAL.Component(ICAL.parse(ics));
  ICAL.TimezoneService.reset();
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  }
  return root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      start: show(event.startDate),
      end: show(event.endDate),
      date: vevent.getFirstPropertyValue("x-timeline-date"),
      description: event.description,
    };
  });
}

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  let reply;
  try {
    reply = { events: read(JSON.parse(line).ics) };
  } catch (error) {
    reply = { error: String(error && error.stack ? error.stack : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
