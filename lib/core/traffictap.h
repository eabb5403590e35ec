// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QString>

/**
 * Sees every byte of every session as it crosses the socket: what was read
 * (after TLS decryption) and what the kernel (or TLS) took, in order, with
 * the session's opening and its end. A capture (lib/capture) is the one
 * there is. Called on the engine's thread, on its hot path: an
 * implementation copies and returns.
 */
class TrafficTap
{
public:
    struct Endpoints {
        QHostAddress peer;
        quint16 peerPort = 0;
        QHostAddress local;
        quint16 localPort = 0;
        bool midStream = false;   ///< already open when the tap was set: its first bytes are not seen
    };

    virtual ~TrafficTap() = default;
    /** Session @p id was opened (a TLS one after its handshake), or was open when the tap was set. */
    virtual void opened(quint64 id, const Endpoints &endpoints) = 0;
    virtual void received(quint64 id, QByteArrayView bytes) = 0;
    virtual void sent(quint64 id, QByteArrayView bytes) = 0;
    /** How a session ends: who ended it, and whether with a reset (no more bytes go) or a close (what is queued goes first). */
    enum class End { PeerClosed, PeerReset, Closed, Reset };
    virtual void closing(quint64 id, const QString &reason, End end) = 0;
    /** Its socket is closed. */
    virtual void closed(quint64 id) = 0;
};
