#!/usr/bin/env python3
"""Parses an iCalendar (RFC 5545) feed, as the hub serves it, with an independent parser (icalendar 7).

Checks what RFC 5545 requires of the text itself (CRLF line ends, content lines folded at 75 octets, VERSION and
PRODID, each VEVENT with UID, DTSTAMP and DTSTART, DTEND after DTSTART, UIDs unique), then prints the events as
JSON for the caller to compare: uid, start and end (ISO 8601 UTC), status, summary, location, description,
sequence. Prints each problem to stderr and exits 1 when there is any.

Usage: parse-ical.py FEED.ics
"""
import json
import sys

from icalendar import Calendar


def main(path):
    raw = open(path, "rb").read()
    problems = []
    if not raw.endswith(b"\r\n"):
        problems.append("the feed does not end with CRLF")
    lines = raw.split(b"\r\n")
    for number, line in enumerate(lines[:-1], 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: a bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets, more than 75")
    try:
        calendar = Calendar.from_ical(raw.decode("utf-8"))
    except Exception as error:
        print(f"not a valid iCalendar document: {error}", file=sys.stderr)
        return 1
    for required in ["VERSION", "PRODID"]:
        if required not in calendar:
            problems.append(f"VCALENDAR has no {required}")
    if str(calendar.get("VERSION")) != "2.0":
        problems.append(f"VERSION is {calendar.get('VERSION')}")
    events = []
    for event in calendar.walk("VEVENT"):
        for required in ["UID", "DTSTAMP", "DTSTART"]:
            if required not in event:
                problems.append(f"a VEVENT has no {required}")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if end <= start:
            problems.append(f"{event.get('UID')}: DTEND {end} is not after DTSTART {start}")
        events.append({
            "uid": str(event.get("UID")),
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": str(event.get("STATUS")),
            "summary": str(event.get("SUMMARY")),
            "location": str(event.get("LOCATION")),
            "description": str(event.get("DESCRIPTION")),
            "sequence": int(event.get("SEQUENCE", 0)),
        })
    uids = [event["uid"] for event in events]
    if len(set(uids)) != len(uids):
        problems.append("UIDs are not unique")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(json.dumps(events))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
