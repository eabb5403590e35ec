// SPDX-License-Identifier: MIT
#include "log/logformat.h"

#include "core/displaytext.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <charconv>
#include <array>
#include <cstring>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace {

using Log::Overloaded;

QByteArray utf8(const QString &text)
{
    return text.toUtf8();
}

QByteArray number(qint64 value)
{
    return QByteArray::number(value);
}

// The connect and disconnect lines are written once each per connection: appended in place, no temporaries.
void appendNumber(QByteArray &line, qint64 value)
{
    char digits[24];
    const char *end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    line.append(digits, end - digits);
}

void appendUtf8(QByteArray &line, const QString &text)
{
    const qsizetype at = line.size();
    line.resize(at + text.size());
    char *out = line.data() + at;
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {   // not ASCII: the general conversion
            line.resize(at);
            line += text.toUtf8();
            return;
        }
        *out++ = char(c.unicode());
    }
}

/**
 * Whether @p data is all printable ASCII (0x20..0x7e), eight bytes at a
 * time: what nearly every message of a busy server is, and a subset of
 * DisplayText::isPlainText(), which checks a byte at a time (a third of the
 * formatting of a 64-byte message line).
 */
bool isPrintableAscii(const QByteArray &data)
{
    constexpr quint64 ones = 0x0101010101010101ULL;
    constexpr quint64 highs = 0x8080808080808080ULL;
    const char *p = data.constData();
    qsizetype left = data.size();
    for (; left >= 8; p += 8, left -= 8) {
        quint64 word;
        std::memcpy(&word, p, 8);
        // A byte below 0x20, or (once 0x01 is added) at 0x7f or above, sets its high bit here.
        // Exact per byte for these two bounds: the borrow and carry cannot cross into a byte whose bit decides.
        const quint64 below = (word - ones * 0x20) & ~word;
        const quint64 above = (word + ones * 0x01) | word;
        if ((below | above) & highs)
            return false;
    }
    for (; left > 0; ++p, --left) {
        if (uchar(*p) < 0x20 || uchar(*p) >= 0x7f)
            return false;
    }
    return true;
}

/** The message as text: plain UTF-8 as it is, anything else escaped; a binary frame as its size and hex bytes. */
void appendMessage(QByteArray &line, const QByteArray &data, bool binary)
{
    if (binary) {
        // "12 B: 000100000006...": the size, then the bytes as JSON Lines' "hex" has them.
        // Written in place, two digits a byte from a table: a busy binary server prints
        // every frame, and the log line's length is most of its cost (spaced hex made a
        // length-framed fan-out cost 1.13x a line-framed one; this, 1.07x).
        appendNumber(line, data.size());
        line += " B: ";
        static constexpr auto table = [] {
            std::array<std::array<char, 2>, 256> t {};
            constexpr char digits[] = "0123456789abcdef";
            for (size_t b = 0; b < 256; ++b)
                t[b] = { digits[b >> 4], digits[b & 0xf] };
            return t;
        }();
        const qsizetype at = line.size();
        line.resize(at + 2 * data.size());
        char *out = line.data() + at;
        for (const char byte : data) {
            std::memcpy(out, table[uchar(byte)].data(), 2);
            out += 2;
        }
        return;
    }
    if (isPrintableAscii(data) || DisplayText::isPlainText(data))
        line.append(data);
    else
        line.append(DisplayText::escaped(data).toUtf8());
}

QString stateName(ClusterBridge::State state)
{
    switch (state) {
    case ClusterBridge::State::Off:
        break;
    case ClusterBridge::State::Connecting:
        return u"connecting"_s;
    case ClusterBridge::State::Connected:
        return u"connected"_s;
    case ClusterBridge::State::Reconnecting:
        return u"reconnecting"_s;
    }
    return u"off"_s;
}

/** Writes @p text, which is ASCII (an address, a server id), at @p out; returns the end. */
char *writeAscii(char *out, const QString &text)
{
    for (const QChar c : text)
        *out++ = c.unicode() < 0x80 ? char(c.unicode()) : '?';
    return out;
}

/** The most appendTag() writes for @p peer. */
qsizetype tagBound(const Log::Peer &peer)
{
    return (peer.isRemote() ? peer.origin : peer.address).size() + 26;   // "[#" + 20 digits + ' ' or "/#" + ']'
}

/**
 * Writes "[#3 127.0.0.1:50123]" or, for a client of another server,
 * "[gateway-2/#3]" at @p out (at most tagBound() bytes); returns the end.
 */
char *writeTag(char *out, const Log::Peer &peer)
{
    *out++ = '[';
    if (peer.isRemote()) {
        out = writeAscii(out, peer.origin);
        *out++ = '/';
        *out++ = '#';
        out = std::to_chars(out, out + 20, peer.client).ptr;
    } else {
        *out++ = '#';
        out = std::to_chars(out, out + 20, peer.client).ptr;
        *out++ = ' ';
        out = writeAscii(out, peer.address);
    }
    *out++ = ']';
    return out;
}

void appendTag(QByteArray &line, const Log::Peer &peer)
{
    const qsizetype at = line.size();
    line.resize(at + tagBound(peer));
    line.resize(writeTag(line.data() + at, peer) - line.constData());
}

QByteArray clusterStateText(const Log::ClusterState &e)
{
    switch (e.state) {
    case ClusterBridge::State::Connecting:
        return "connecting (" + utf8(e.detail) + ") as " + utf8(e.serverId) + " in domain " + utf8(e.domain);
    case ClusterBridge::State::Connected:
        return "connected to " + utf8(e.detail);
    case ClusterBridge::State::Off:
    case ClusterBridge::State::Reconnecting:
        break;
    }
    return utf8(stateName(e.state)) + " (" + utf8(e.detail) + ')';
}

// The text line after the time, one overload per kind. Messages, the hot path
// of a busy server, are built in place.
using namespace Log;

void appendBody(QByteArray &line, const Listening &e)
{
    line += "listening on " + utf8(e.address) + " port " + number(e.port);
}
void appendBody(QByteArray &line, const Stopped &)
{
    line += "stopped";
}
void appendBody(QByteArray &line, const Connected &e)
{
    line += "new connect: ";
    appendNumber(line, e.clients);
    line += ' ';
    appendTag(line, e.peer);
}
void appendBody(QByteArray &line, const Refused &e)
{
    line += "refused [" + utf8(e.address) + "] (" + utf8(e.reason) + ')';
}
void appendBody(QByteArray &line, const Disconnected &e)
{
    line += "lost connect: ";
    appendNumber(line, e.clients);
    line += ' ';
    appendTag(line, e.peer);
    line += " (";
    appendUtf8(line, e.reason);
    line += ')';
}
// A tag of the rules, before the message: "[#1 127.0.0.1:50000] [alarm] TEMP=41".
void appendRuleTag(QByteArray &line, const QString &tag)
{
    if (tag.isEmpty())
        return;
    line += '[';
    appendUtf8(line, tag);
    line += "] ";
}
// The rule that sent a message, and its hits: "rule ping #3".
QByteArray causeText(const MessageCause &cause)
{
    return "rule " + utf8(cause.rule) + " #" + number(qint64(cause.hits));
}
void appendBody(QByteArray &line, const Received &e)
{
    if (e.tag.isEmpty() && !e.binary && isPrintableAscii(e.data)) {
        // Nearly every message of a busy server, the start of every one of its lines: written
        // at one pointer, between one resize to its longest and one back.
        const qsizetype at = line.size();
        line.resize(at + tagBound(e.from) + 1 + e.data.size());
        char *out = writeTag(line.data() + at, e.from);
        *out++ = ' ';
        std::memcpy(out, e.data.constData(), size_t(e.data.size()));
        line.resize(out + e.data.size() - line.constData());
        return;
    }
    appendTag(line, e.from);
    line.append(' ');
    appendRuleTag(line, e.tag);
    appendMessage(line, e.data, e.binary);
}
void appendBody(QByteArray &line, const Sent &e)
{
    const QByteArray by = e.cause.isRule() ? ", " + causeText(e.cause) : QByteArray();
    line += e.to == 0 ? "[server -> all (" + number(e.receivers) + ")" + by + "] "
                      : "[server -> #" + number(qint64(e.to)) + by + "] ";
    appendMessage(line, e.data, e.binary);
}
void appendBody(QByteArray &line, const Warning &e)
{
    line += "warning: " + utf8(e.text);
}
void appendBody(QByteArray &line, const CaptureState &e)
{
    if (e.writing)
        line += "capture: writing " + utf8(e.file) + " (" + utf8(e.format) + ')';
    else
        line += "capture: stopped " + utf8(e.file) + " at " + number(e.bytes) + " bytes"
                + (e.reason.isEmpty() ? QByteArray() : ": " + utf8(e.reason));
}
void appendBody(QByteArray &line, const ClusterState &e)
{
    line += "cluster: " + clusterStateText(e);
}
void appendBody(QByteArray &line, const ServerJoined &e)
{
    line += "cluster: " + utf8(e.serverId) + " joined domain " + utf8(e.domain);
}
void appendBody(QByteArray &line, const ServerLeft &e)
{
    line += "cluster: " + utf8(e.serverId) + " left domain " + utf8(e.domain) + " (" + utf8(e.reason) + ')';
}
void appendBody(QByteArray &line, const Gap &e)
{
    line += "cluster: warning: " + number(qint64(e.missing())) + " messages from " + utf8(e.origin) + " never arrived ("
            + number(qint64(e.first)) + " to " + number(qint64(e.last)) + ')';
}
void appendBody(QByteArray &line, const Dropped &e)
{
    line += "cluster: warning: " + number(qint64(e.messages)) + " messages not published: the NATS reconnect buffer ("
            + number(e.bufferBytes) + " bytes) is full, or NATS cannot keep up";
}
void appendBody(QByteArray &line, const ClusterWarning &e)
{
    line += "cluster: warning: " + utf8(e.text);
}
void appendBody(QByteArray &line, const RemoteRefused &e)
{
    line += "cluster: warning: refused " + number(qint64(e.count)) + " messages from " + utf8(e.origin) + ": " + utf8(e.reason);
}
// The client's lines are the seed's, word for word.
void appendBody(QByteArray &line, const Connecting &)
{
    line += "Start to Connect...";
}
void appendBody(QByteArray &line, const ConnectedToServer &)
{
    line += "Connected...";
}
void appendBody(QByteArray &line, const ServerCertificate &e)
{
    line += "Server certificate: " + utf8(e.summary);
}
void appendBody(QByteArray &line, const ConnectFailed &e)
{
    line += "Connection is failed, Reason: " + utf8(e.reason);
}
void appendBody(QByteArray &line, const ConnectionLost &e)
{
    line += "Lost connection. Reason: " + utf8(e.reason);
}
void appendBody(QByteArray &line, const Reconnecting &e)
{
    line += utf8(u"Reconnecting in %1 s..."_s.arg(e.delayMs / 1000.0));
}
void appendBody(QByteArray &line, const FromServer &e)
{
    appendRuleTag(line, e.tag);
    appendMessage(line, e.data, e.binary);
}
void appendBody(QByteArray &line, const ToServer &e)
{
    line += e.cause.isRule() ? "sent (" + causeText(e.cause) + "): " : QByteArray("sent: ");
    appendMessage(line, e.data, e.binary);
}

void insertPeer(QJsonObject &o, const Log::Peer &peer)
{
    if (peer.isRemote())
        o.insert(u"origin"_s, peer.origin);
    if (peer.client != 0)
        o.insert(u"client"_s, qint64(peer.client));
    if (!peer.address.isEmpty())
        o.insert(u"peer"_s, peer.address);
}

void insertMessage(QJsonObject &o, const QByteArray &data, bool binary)
{
    o.insert(u"bytes"_s, data.size());
    if (binary) {
        o.insert(u"hex"_s, QString::fromLatin1(data.toHex()));
        o.insert(u"base64"_s, QString::fromLatin1(data.toBase64()));
        return;
    }
    o.insert(u"text"_s, DisplayText::escaped(data));
    if (!DisplayText::isPlainText(data))
        o.insert(u"base64"_s, QString::fromLatin1(data.toBase64()));
}

// The JSON fields after "time" and "event", one overload per kind.
void insertFields(QJsonObject &o, const Listening &e)
{
    o.insert(u"address"_s, e.address);
    o.insert(u"port"_s, e.port);
}
void insertFields(QJsonObject &, const Stopped &) {}
void insertFields(QJsonObject &o, const Connected &e)
{
    insertPeer(o, e.peer);
    o.insert(u"clients"_s, e.clients);
}
void insertFields(QJsonObject &o, const Refused &e)
{
    o.insert(u"peer"_s, e.address);
    o.insert(u"reason"_s, e.reason);
}
void insertFields(QJsonObject &o, const Disconnected &e)
{
    insertPeer(o, e.peer);
    o.insert(u"clients"_s, e.clients);
    o.insert(u"reason"_s, e.reason);
}
void insertRuleFields(QJsonObject &o, const QString &tag, const MessageCause &cause)
{
    if (!tag.isEmpty())
        o.insert(u"tag"_s, tag);
    if (cause.isRule()) {
        o.insert(u"rule"_s, cause.rule);
        o.insert(u"hits"_s, qint64(cause.hits));
    }
}
void insertFields(QJsonObject &o, const Received &e)
{
    insertPeer(o, e.from);
    o.insert(e.from.isRemote() ? u"delivered"_s : u"relayed"_s, e.relayed);
    insertMessage(o, e.data, e.binary);
    insertRuleFields(o, e.tag, {});
}
void insertFields(QJsonObject &o, const Sent &e)
{
    if (e.to != 0)
        o.insert(u"client"_s, qint64(e.to));
    o.insert(u"receivers"_s, e.receivers);
    insertMessage(o, e.data, e.binary);
    insertRuleFields(o, {}, e.cause);
}
void insertFields(QJsonObject &o, const Warning &e)
{
    o.insert(u"reason"_s, e.text);
}
void insertFields(QJsonObject &o, const ClusterState &e)
{
    o.insert(u"state"_s, stateName(e.state));
    o.insert(u"detail"_s, e.detail);
    o.insert(u"server"_s, e.serverId);
    o.insert(u"domain"_s, e.domain);
}
void insertFields(QJsonObject &o, const ServerJoined &e)
{
    o.insert(u"server"_s, e.serverId);
    o.insert(u"domain"_s, e.domain);
}
void insertFields(QJsonObject &o, const ServerLeft &e)
{
    o.insert(u"server"_s, e.serverId);
    o.insert(u"domain"_s, e.domain);
    o.insert(u"reason"_s, e.reason);
}
void insertFields(QJsonObject &o, const Gap &e)
{
    o.insert(u"origin"_s, e.origin);
    o.insert(u"first"_s, qint64(e.first));
    o.insert(u"last"_s, qint64(e.last));
    o.insert(u"missing"_s, qint64(e.missing()));
}
void insertFields(QJsonObject &o, const Dropped &e)
{
    o.insert(u"messages"_s, qint64(e.messages));
    o.insert(u"bufferBytes"_s, e.bufferBytes);
}
void insertFields(QJsonObject &o, const CaptureState &e)
{
    o.insert(u"file"_s, e.file);
    o.insert(u"format"_s, e.format);
    o.insert(u"writing"_s, e.writing);
    if (!e.writing)
        o.insert(u"bytes"_s, e.bytes);
    if (!e.reason.isEmpty())
        o.insert(u"reason"_s, e.reason);
}
void insertFields(QJsonObject &o, const ClusterWarning &e)
{
    o.insert(u"reason"_s, e.text);
}
void insertFields(QJsonObject &o, const RemoteRefused &e)
{
    o.insert(u"origin"_s, e.origin);
    o.insert(u"reason"_s, e.reason);
    o.insert(u"count"_s, qint64(e.count));
}
void insertServer(QJsonObject &o, const QString &host, quint16 port)
{
    o.insert(u"host"_s, host);
    o.insert(u"port"_s, port);
}
void insertFields(QJsonObject &o, const Connecting &e)
{
    insertServer(o, e.host, e.port);
}
void insertFields(QJsonObject &o, const ConnectedToServer &e)
{
    insertServer(o, e.host, e.port);
}
void insertFields(QJsonObject &o, const ServerCertificate &e)
{
    o.insert(u"certificate"_s, e.summary);
}
void insertFields(QJsonObject &o, const ConnectFailed &e)
{
    o.insert(u"reason"_s, e.reason);
}
void insertFields(QJsonObject &o, const ConnectionLost &e)
{
    o.insert(u"reason"_s, e.reason);
}
void insertFields(QJsonObject &o, const Reconnecting &e)
{
    o.insert(u"delayMs"_s, e.delayMs);
}
void insertFields(QJsonObject &o, const FromServer &e)
{
    insertMessage(o, e.data, e.binary);
    insertRuleFields(o, e.tag, {});
}
void insertFields(QJsonObject &o, const ToServer &e)
{
    insertMessage(o, e.data, e.binary);
    if (e.periodic)
        o.insert(u"periodic"_s, true);
    insertRuleFields(o, {}, e.cause);
}

} // namespace

namespace Log {

void appendTimestamp(QByteArray &line, qint64 ms)
{
    // The local "yyyy-MM-dd HH:mm:ss." of the current second, made once a second: one
    // thread-local record (one TLS look-up) and one copy into the line, for every line.
    struct SecondPrefix {
        qint64 second = std::numeric_limits<qint64>::min();
        qsizetype size = 0;
        char text[32] = {};
    };
    static thread_local SecondPrefix cached;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != cached.second) {
        // At most 27 characters: QDateTime's years have at most 9 digits and a sign.
        const QByteArray prefix = QDateTime::fromMSecsSinceEpoch(second * 1000).toString(u"yyyy-MM-dd HH:mm:ss."_s).toLatin1();
        cached.second = second;
        cached.size = std::min(prefix.size(), qsizetype(sizeof cached.text));
        std::memcpy(cached.text, prefix.constData(), size_t(cached.size));
    }
    const int milli = int(ms - second * 1000);
    const qsizetype at = line.size();
    line.resize(at + cached.size + 3);
    char *out = line.data() + at;
    std::memcpy(out, cached.text, size_t(cached.size));
    out += cached.size;
    out[0] = char('0' + milli / 100);
    out[1] = char('0' + milli / 10 % 10);
    out[2] = char('0' + milli % 10);
}

QByteArray timestampUtf8(qint64 ms)
{
    QByteArray text;
    appendTimestamp(text, ms);
    return text;
}

QString timestamp(qint64 ms)
{
    return QString::fromLatin1(timestampUtf8(ms));
}

QString eventName(const Event &event)
{
    return std::visit(Overloaded {
                              [](const Listening &) { return u"listening"_s; },
                              [](const Stopped &) { return u"stopped"_s; },
                              [](const Connected &) { return u"connected"_s; },
                              [](const Refused &) { return u"refused"_s; },
                              [](const Disconnected &) { return u"disconnected"_s; },
                              [](const Received &e) { return e.from.isRemote() ? u"remote"_s : u"received"_s; },
                              [](const Sent &) { return u"sent"_s; },
                              [](const CaptureState &) { return u"capture"_s; },
                              [](const Warning &) { return u"warning"_s; },
                              [](const ClusterState &) { return u"cluster"_s; },
                              [](const ServerJoined &) { return u"peer-joined"_s; },
                              [](const ServerLeft &) { return u"peer-left"_s; },
                              [](const Gap &) { return u"gap"_s; },
                              [](const Dropped &) { return u"dropped"_s; },
                              [](const ClusterWarning &) { return u"cluster-warning"_s; },
                              [](const RemoteRefused &) { return u"remote-refused"_s; },
                              [](const Connecting &) { return u"connecting"_s; },
                              [](const ConnectedToServer &) { return u"connected"_s; },
                              [](const ServerCertificate &) { return u"certificate"_s; },
                              [](const ConnectFailed &) { return u"connect-failed"_s; },
                              [](const ConnectionLost &) { return u"connection-lost"_s; },
                              [](const Reconnecting &) { return u"reconnecting"_s; },
                              [](const FromServer &) { return u"received"_s; },
                              [](const ToServer &) { return u"sent"_s; },
                      },
                      event.what);
}

void appendText(QByteArray &line, const Event &event, bool withTime)
{
    if (withTime) {
        appendTimestamp(line, event.timeMs);
        line.append(' ');
    }
    std::visit([&line](const auto &kind) { appendBody(line, kind); }, event.what);
}

QByteArray text(const Event &event, bool withTime)
{
    QByteArray line;
    if (const auto *received = event.as<Received>())
        line.reserve(64 + received->data.size());
    appendText(line, event, withTime);
    return line;
}

QByteArray json(const Event &event)
{
    QJsonObject o;
    std::visit([&o](const auto &kind) { insertFields(o, kind); }, event.what);
    // UTC with a Z: unambiguous for tools, whatever the time zone of the server.
    o.insert(u"time"_s, QDateTime::fromMSecsSinceEpoch(event.timeMs, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(u"event"_s, eventName(event));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

void appendLine(QByteArray &out, const Event &event, Format format, bool withTime)
{
    if (format == Format::JsonLines) {
        out.append(json(event)).append('\n');
        return;
    }
    appendText(out, event, withTime);
    out.append('\n');
}

QByteArray line(const Event &event, Format format, bool withTime)
{
    QByteArray line;
    if (const auto *received = event.as<Received>(); received && format == Format::Text)
        line.reserve(64 + received->data.size());
    appendLine(line, event, format, withTime);
    return line;
}

} // namespace Log
