// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

/**
 * One line of the server's log, as the headless server prints it and the
 * windows save it: plain text for people, JSON Lines for tools such as jq.
 */
struct LogEvent
{
    enum class Kind {
        Listening,     ///< text: address, count: port
        Stopped,
        Connected,     ///< count: clients now
        Refused,       ///< text: reason
        Disconnected,  ///< count: clients now, text: reason
        Received,      ///< data: the message, count: relayed to
        Sent,          ///< client 0: to all; count: receivers
        Warning,       ///< text
    };

    Kind kind = Kind::Warning;
    qint64 timeMs = 0;      ///< ms since the epoch
    quint64 client = 0;
    QString peer;           ///< address:port
    int count = -1;
    QByteArray data;
    QString text;

    static QString kindName(Kind kind);
    /**
     * @p ms since the epoch as local "yyyy-MM-dd HH:mm:ss.zzz", cheaply: the
     * conversion to local time (which makes glibc look at /etc/localtime
     * each time) happens once a second, not once a message.
     */
    static QString timestamp(qint64 ms);
    static QByteArray timestampUtf8(qint64 ms);

    QString toText() const;
    /** One JSON object, no line feed. Data that is not plain text also comes as base64. */
    QByteArray toJson() const;
};
