// SPDX-License-Identifier: MIT
#pragma once

#include "log/event.h"

#include <QByteArray>
#include <QString>

/**
 * The two written forms of a Log::Event, defined here and nowhere else: the
 * text line people read (the seed's words, with who and why) and the JSON
 * Lines object tools read. The console, every --log-file and a window's
 * "Save log" write these.
 *
 * Text, one line per event (times local, "yyyy-MM-dd HH:mm:ss.zzz"):
 *
 *     TIME listening on ADDRESS port PORT
 *     TIME new connect: CLIENTS [#ID ADDRESS:PORT]
 *     TIME [#ID ADDRESS:PORT] MESSAGE
 *     TIME [ORIGIN/#ID] MESSAGE                    (a client of another server)
 *     TIME [server -> all (N)] MESSAGE
 *     TIME lost connect: CLIENTS [#ID ADDRESS:PORT] (REASON)
 *     TIME cluster: ...                            (the bridge)
 *     Start to Connect...                          (the client, the seed's words)
 *
 * JSON Lines: one object per line with "time" (UTC, ISO 8601 with ms) and
 * "event", then the event's fields; a message has "bytes", "text" (escaped)
 * and, when it is not plain UTF-8, "base64".
 */
namespace Log {

enum class Format { Text, JsonLines };

/** A log's output (stdout, a --log-file) is written out at most this long after a line. */
constexpr int FlushDelayMs = 20;

/** @p ms since the epoch as local "yyyy-MM-dd HH:mm:ss.zzz"; the local-time conversion is made once a second. */
QByteArray timestampUtf8(qint64 ms);
void appendTimestamp(QByteArray &line, qint64 ms);
QString timestamp(qint64 ms);

/** The JSON "event" name of @p event: "connected", "received", "remote", "gap", ... */
QString eventName(const Event &event);

/** The text line without its line feed; @p withTime false leaves out the time (the console client, like the seed). */
QByteArray text(const Event &event, bool withTime = true);
void appendText(QByteArray &line, const Event &event, bool withTime = true);
/** The JSON object, compact, without a line feed. */
QByteArray json(const Event &event);
/** The line in @p format, with its line feed. */
QByteArray line(const Event &event, Format format, bool withTime = true);
/** Appends line() to @p out: a buffer its caller reuses, so that a busy log allocates nothing per line. */
void appendLine(QByteArray &out, const Event &event, Format format, bool withTime = true);

} // namespace Log
