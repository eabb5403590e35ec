// SPDX-License-Identifier: MIT
#pragma once

#include "core/framer.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <sys/socket.h>

/**
 * A raw TCP peer for tests: collects every line (or frame, of the framing
 * given) the other side sends (a trailing unfinished one shows up in
 * partial()) and notices its end.
 */
class TestPeer : public QObject
{
public:
    /** Connects to @p port on 127.0.0.1, from @p from if given (any 127.x.y.z is this machine). */
    explicit TestPeer(quint16 port, const QHostAddress &from = QHostAddress(), const Framing &framing = {})
        : QObject(nullptr)
        , m_framer(framing, 64 * 1024 * 1024)
    {
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
            m_framer.feed(m_socket.readAll(), [this](QByteArrayView line) {
                m_lines.append(line.toByteArray());
                return true;
            });
        });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
        if (!from.isNull())
            m_socket.bind(from);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    QTcpSocket &socket() { return m_socket; }
    const QList<QByteArray> &lines() const { return m_lines; }
    QByteArray partial() const
    {
        Framer copy = m_framer;
        return copy.takePartial();
    }
    bool isClosed() const { return m_closed; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    bool hasLine(const QByteArray &line) const { return m_lines.contains(line); }

    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    /** Shuts down the sending side only, as `shutdown(fd, SHUT_WR)`. */
    void halfClose()
    {
        m_socket.flush();
        ::shutdown(int(m_socket.socketDescriptor()), SHUT_WR);
    }

    /** Waits until connected and greeted with the welcome line (when one is expected). */
    bool waitReady(int lines = 1)
    {
        return QTest::qWaitFor([&] { return isConnected() && m_lines.size() >= lines; }, 5000);
    }

private:
    QTcpSocket m_socket;
    Framer m_framer;
    QList<QByteArray> m_lines;
    bool m_closed = false;
};
