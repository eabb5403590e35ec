// SPDX-License-Identifier: MIT
#include "capture/logreader.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <map>

using namespace Qt::Literals::StringLiterals;

namespace {

/** The lines of @p data without their "\n" or "\r\n". */
QList<QByteArrayView> linesOf(QByteArrayView data)
{
    QList<QByteArrayView> lines;
    while (!data.isEmpty()) {
        const qsizetype end = data.indexOf('\n');
        QByteArrayView line = end < 0 ? data : data.first(end);
        if (line.endsWith('\r'))
            line.chop(1);
        lines.append(line);
        data = end < 0 ? QByteArrayView() : data.sliced(end + 1);
    }
    return lines;
}

bool isBlank(QByteArrayView line)
{
    return line.trimmed().isEmpty();
}

std::optional<QJsonObject> objectIn(QByteArrayView line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

/** The message bytes of a "received" event: base64, then hex, then text. */
std::optional<QByteArray> messageOf(const QJsonObject &event)
{
    if (event.contains(u"base64"_s)) {
        auto decoded = QByteArray::fromBase64Encoding(event.value(u"base64"_s).toString().toLatin1(),
                                                       QByteArray::AbortOnBase64DecodingErrors);
        return decoded ? std::optional(*decoded) : std::nullopt;
    }
    if (event.contains(u"hex"_s)) {
        const QByteArray hex = event.value(u"hex"_s).toString().toLatin1();
        const QByteArray bytes = QByteArray::fromHex(hex);
        return bytes.size() * 2 == hex.size() ? std::optional(bytes) : std::nullopt;
    }
    if (event.value(u"text"_s).isString())
        return event.value(u"text"_s).toString().toUtf8();
    return std::nullopt;
}

} // namespace

bool LogReader::looksLikeLog(QByteArrayView data)
{
    for (const QByteArrayView line : linesOf(data.first(std::min<qsizetype>(data.size(), 1024 * 1024)))) {
        if (!isBlank(line))
            return objectIn(line).has_value();
    }
    return false;
}

std::optional<Recording> LogReader::read(QByteArrayView data, QString *error)
{
    std::map<quint64, Recording::Client> byId;
    int number = 0;
    for (const QByteArrayView line : linesOf(data)) {
        ++number;
        if (isBlank(line))
            continue;
        const std::optional<QJsonObject> event = objectIn(line);
        if (!event) {
            *error = u"line %1 is not a JSON object"_s.arg(number);
            return std::nullopt;
        }
        if (event->value(u"event"_s).toString() != u"received"_s || event->contains(u"origin"_s))
            continue;   // not a message, or one relayed from another server of the cluster
        const qint64 client = event->value(u"client"_s).toInteger(-1);
        const QDateTime time = QDateTime::fromString(event->value(u"time"_s).toString(), Qt::ISODateWithMs);
        const std::optional<QByteArray> bytes = messageOf(*event);
        if (client <= 0 || !time.isValid() || !bytes) {
            *error = u"line %1: a \"received\" event without a client, a time or its message"_s.arg(number);
            return std::nullopt;
        }
        Recording::Client &c = byId[quint64(client)];
        c.id = quint64(client);
        c.chunks.append({ time.toMSecsSinceEpoch() * 1000, *bytes });
    }
    Recording recording;
    recording.source = Recording::Source::JsonLines;
    for (auto &[id, client] : byId)
        recording.clients.append(std::move(client));
    return recording;
}
