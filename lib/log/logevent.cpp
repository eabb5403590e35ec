// SPDX-License-Identifier: MIT
#include "log/logevent.h"

#include "core/displaytext.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

using namespace Qt::Literals::StringLiterals;

QString LogEvent::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Listening:
        return u"listening"_s;
    case Kind::Stopped:
        return u"stopped"_s;
    case Kind::Connected:
        return u"connected"_s;
    case Kind::Refused:
        return u"refused"_s;
    case Kind::Disconnected:
        return u"disconnected"_s;
    case Kind::Received:
        return u"received"_s;
    case Kind::Sent:
        return u"sent"_s;
    case Kind::Warning:
        break;
    }
    return u"warning"_s;
}

QByteArray LogEvent::timestampUtf8(qint64 ms)
{
    static thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    static thread_local QByteArray cachedPrefix;
    const qint64 second = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    if (second != cachedSecond) {
        cachedSecond = second;
        cachedPrefix = QDateTime::fromMSecsSinceEpoch(second * 1000).toString(u"yyyy-MM-dd HH:mm:ss."_s).toLatin1();
    }
    const int milli = int(ms - second * 1000);
    QByteArray text;
    text.reserve(cachedPrefix.size() + 3);
    text.append(cachedPrefix).append(char('0' + milli / 100)).append(char('0' + milli / 10 % 10)).append(char('0' + milli % 10));
    return text;
}

QString LogEvent::timestamp(qint64 ms)
{
    return QString::fromLatin1(timestampUtf8(ms));
}

QString LogEvent::toText() const
{
    const QString time = timestamp(timeMs);
    const QString who = u"[#%1 %2]"_s.arg(client).arg(peer);
    QString line;
    switch (kind) {
    case Kind::Listening:
        // The port is the last word, for scripts: awk '{print $NF}'.
        line = u"listening on %1 port %2"_s.arg(text).arg(count);
        break;
    case Kind::Stopped:
        line = u"stopped"_s;
        break;
    case Kind::Connected:
        line = u"new connect: %1 %2"_s.arg(count).arg(who);
        break;
    case Kind::Refused:
        line = u"refused [%1] (%2)"_s.arg(peer, text);
        break;
    case Kind::Disconnected:
        line = u"lost connect: %1 %2 (%3)"_s.arg(count).arg(who, text);
        break;
    case Kind::Received:
        line = who + u' ' + DisplayText::escaped(data);
        break;
    case Kind::Sent:
        line = (client == 0 ? u"[server -> all (%1)]"_s.arg(count) : u"[server -> #%1]"_s.arg(client)) + u' '
                + DisplayText::escaped(data);
        break;
    case Kind::Warning:
        line = u"warning: "_s + text;
        break;
    }
    return time + u' ' + line;
}

QByteArray LogEvent::toJson() const
{
    QJsonObject o;
    // UTC with a Z: unambiguous for tools, whatever the time zone of the server.
    o.insert(u"time"_s, QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(u"event"_s, kindName(kind));
    if (client != 0)
        o.insert(u"client"_s, qint64(client));
    if (!peer.isEmpty())
        o.insert(u"peer"_s, peer);
    switch (kind) {
    case Kind::Listening:
        o.insert(u"address"_s, text);
        o.insert(u"port"_s, count);
        break;
    case Kind::Connected:
    case Kind::Disconnected:
        o.insert(u"clients"_s, count);
        break;
    case Kind::Received:
        o.insert(u"relayed"_s, count);
        break;
    case Kind::Sent:
        o.insert(u"receivers"_s, count);
        break;
    default:
        break;
    }
    if (!text.isEmpty() && kind != Kind::Listening)
        o.insert(u"reason"_s, text);
    if (kind == Kind::Received || kind == Kind::Sent) {
        o.insert(u"bytes"_s, data.size());
        o.insert(u"text"_s, DisplayText::escaped(data));
        if (!DisplayText::isPlainText(data))
            o.insert(u"base64"_s, QString::fromLatin1(data.toBase64()));
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
