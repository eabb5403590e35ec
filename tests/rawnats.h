// SPDX-License-Identifier: MIT
#pragma once

#include <utility>

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

/*
 * A server of the domain that is no SpreadSite: it speaks NATS's own text
 * protocol over a plain socket (CONNECT, PUB, HPUB, PING), so a test can
 * publish what the bridge would never write: any headers or none, any body,
 * any subject. Every publish waits for the node's PONG, so that what was
 * published is on the node before the test goes on.
 */
namespace NatsTest {

using namespace Qt::Literals::StringLiterals;

class RawNatsPublisher
{
public:
    /** NATS headers, in order; a name may repeat or be missing. */
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    static constexpr int WAIT_MS = 15000;

    explicit RawNatsPublisher(const QString &url)
    {
        const QUrl parsed(url);
        m_socket.connectToHost(parsed.host(), quint16(parsed.port()));
        QObject::connect(&m_socket, &QTcpSocket::readyRead, &m_socket, [this] { m_in += m_socket.readAll(); });
    }

    bool connect()
    {
        if (!QTest::qWaitFor([this] { return m_in.contains("INFO "); }, WAIT_MS))
            return false;
        m_socket.write(R"(CONNECT {"verbose":false,"pedantic":false,"headers":true,"lang":"test","version":"0"})"_ba + "\r\n");
        return ping();
    }

    static QByteArray messageSubject(const QString &domain, const QString &origin)
    {
        return "spread.v1." + domain.toUtf8() + ".msg." + origin.toUtf8();
    }
    static QByteArray presenceSubject(const QString &domain, const QString &origin)
    {
        return "spread.v1." + domain.toUtf8() + ".presence." + origin.toUtf8();
    }

    /** The headers the bridge writes on message @p seq of client @p client of @p origin. */
    static Headers envelope(const QString &origin, quint64 client, quint64 seq)
    {
        return { { "Spread-Origin", origin.toUtf8() },
                 { "Spread-Client", QByteArray::number(client) },
                 { "Spread-Seq", QByteArray::number(seq) },
                 { "Spread-Time", QByteArray::number(QDateTime::currentMSecsSinceEpoch()) } };
    }
    /** @p headers without @p name. */
    static Headers without(Headers headers, const QByteArray &name)
    {
        headers.removeIf([&](const auto &header) { return header.first == name; });
        return headers;
    }
    /** @p headers with @p name set to @p value (added if missing). */
    static Headers with(Headers headers, const QByteArray &name, const QByteArray &value)
    {
        for (auto &header : headers) {
            if (header.first == name) {
                header.second = value;
                return headers;
            }
        }
        headers.append({ name, value });
        return headers;
    }

    /** A presence body as the bridge writes it; change a field with QJsonObject::insert(). */
    static QJsonObject presence(const QString &event = u"join"_s, int port = 8007, int clients = 0, int intervalMs = 2000,
                                qint64 lastSeq = 0)
    {
        return { { u"event"_s, event }, { u"host"_s, u"raw-host"_s }, { u"port"_s, port }, { u"clients"_s, clients },
                 { u"intervalMs"_s, intervalMs }, { u"lastSeq"_s, lastSeq } };
    }

    /** Publishes @p body as message @p seq of client @p client of @p origin; true once the node has it. */
    bool publish(const QString &domain, const QString &origin, quint64 client, quint64 seq, const QByteArray &body)
    {
        return publishRaw(messageSubject(domain, origin), envelope(origin, client, seq), body);
    }

    /** Publishes the presence @p body of @p origin with the headers the bridge writes. */
    bool publishPresence(const QString &domain, const QString &origin, const QByteArray &body)
    {
        const Headers headers { { "Spread-Origin", origin.toUtf8() },
                                { "Spread-Time", QByteArray::number(QDateTime::currentMSecsSinceEpoch()) } };
        return publishRaw(presenceSubject(domain, origin), headers, body);
    }
    bool publishPresence(const QString &domain, const QString &origin, const QJsonObject &body)
    {
        return publishPresence(domain, origin, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }

    /** Publishes @p body on @p subject with exactly @p headers: HPUB, or PUB (no header block at all) when there are none. */
    bool publishRaw(const QByteArray &subject, const Headers &headers, const QByteArray &body)
    {
        if (headers.isEmpty()) {
            m_socket.write("PUB " + subject + ' ' + QByteArray::number(body.size()) + "\r\n" + body + "\r\n");
            return ping();
        }
        QByteArray block = "NATS/1.0\r\n";
        for (const auto &[name, value] : headers)
            block += name + ": " + value + "\r\n";
        block += "\r\n";
        m_socket.write("HPUB " + subject + ' ' + QByteArray::number(block.size()) + ' '
                       + QByteArray::number(block.size() + body.size()) + "\r\n" + block + body + "\r\n");
        return ping();
    }

    /** What the node said, for a failure message. */
    QByteArray received() const { return m_in; }

private:
    bool ping()
    {
        const qsizetype pongs = m_in.count("PONG");
        m_socket.write("PING\r\n");
        return QTest::qWaitFor([&] { return m_in.count("PONG") > pongs || m_in.contains("-ERR"); }, WAIT_MS)
                && !m_in.contains("-ERR");
    }

    QTcpSocket m_socket;
    QByteArray m_in;
};

} // namespace NatsTest
