// SPDX-License-Identifier: MIT
#pragma once

#include "cluster/clusterbridge.h"
#include "core/messagehook.h"

#include <QByteArray>
#include <QString>

#include <variant>

/**
 * The log of SpreadSite as data: every line the console prints, the
 * --log-file holds and the windows show is one Log::Event, made in one
 * place (ServerLog, ClientLog) and written in one place (logformat.h).
 *
 * Each kind is a small struct with named fields; an Event holds its time
 * and one of them. A reader asks for the kind it handles:
 *
 *     if (const auto *received = event.as<Log::Received>()) ...
 */
namespace Log {

/** Who a message or event is about: a client of this server, or of another server of the cluster. */
struct Peer {
    quint64 client = 0;   ///< its number on its own server
    QString address;      ///< "127.0.0.1:50123"; empty for a client of another server
    QString origin;       ///< the cluster server it belongs to; empty for this server's clients

    bool isRemote() const { return !origin.isEmpty(); }
};

// The server --------------------------------------------------------------

struct Listening {
    QString address;      ///< as QHostAddress::toString() writes it
    quint16 port = 0;
};
struct Stopped {};
struct Connected {
    Peer peer;
    int clients = 0;      ///< connected now, this one included
};
struct Refused {
    QString address;      ///< address:port
    QString reason;
};
struct Disconnected {
    Peer peer;
    int clients = 0;      ///< connected now, this one gone
    QString reason;
};
/** A client's message: of this server (relayed to @c relayed others) or of another server (delivered to @c relayed here). */
struct Received {
    Peer from;
    QByteArray data;
    int relayed = 0;
    bool binary = false;  ///< a frame of a binary framing (fixed, length): shown in hex
    QString tag {};          ///< the rules' tag (rules/ruleset.h); empty: none
};
/** The server's own message (operator, window): to one client, or to all when @c to is 0. */
struct Sent {
    quint64 to = 0;
    QByteArray data;
    int receivers = 0;
    bool binary = false;  ///< a frame of a binary framing: shown in hex
    MessageCause cause {};   ///< the rule that sent it, if one did
};
/** A problem of the server or of the program around it (cannot accept, cannot listen, cannot open a file). */
struct Warning {
    QString text;
};
/** --capture: writing to @c file, or stopped (by itself when @c reason says why: the size limit, a full disk). */
struct CaptureState {
    QString file;
    QString format;       ///< "pcapng" or "pcap"
    bool writing = false;
    qint64 bytes = 0;     ///< in the file when it stopped
    QString reason {};

    bool isProblem() const { return !writing && !reason.isEmpty(); }
};

// The cluster bridge ------------------------------------------------------

struct ClusterState {
    ClusterBridge::State state = ClusterBridge::State::Off;
    ClusterBridge::State previous = ClusterBridge::State::Off;
    QString detail;       ///< the bridge's words: URLs while connecting, the node when connected, else why
    QString domain;
    QString serverId;     ///< this server in the domain
    bool requested = false;   ///< Off because the bridge was stopped on purpose

    /** Off without being asked to, or reconnecting. */
    bool isProblem() const;
};
struct ServerJoined {
    QString serverId;
    QString domain;
};
struct ServerLeft {
    QString serverId;
    QString domain;
    QString reason;
};
/** Messages @c first .. @c last of @c origin never arrived. */
struct Gap {
    QString origin;
    quint64 first = 0;
    quint64 last = 0;

    quint64 missing() const { return last - first + 1; }
};
/** Local messages that could not be published (the reconnect buffer was full). */
struct Dropped {
    quint64 messages = 0;
    qint64 bufferBytes = 0;
};
struct ClusterWarning {
    QString text;
};
/** What arrived from the cluster and was refused (too long, a line feed, a forged origin, bad presence...), counted since the last one said. */
struct RemoteRefused {
    QString origin;       ///< the subject's server id
    QString reason;
    quint64 count = 0;
};

// The client --------------------------------------------------------------

struct Connecting {
    QString host;
    quint16 port = 0;
};
struct ConnectedToServer {
    QString host;
    quint16 port = 0;
};
/** With TLS, right after ConnectedToServer: the server's subject and fingerprint. */
struct ServerCertificate {
    QString summary;
};
struct ConnectFailed {
    QString reason;
};
struct ConnectionLost {
    QString reason;
};
struct Reconnecting {
    int delayMs = 0;
};
struct FromServer {
    QByteArray data;
    bool binary = false;     ///< a frame of a binary framing: shown in hex
    QString tag {};             ///< the rules' tag; empty: none
};
struct ToServer {
    QByteArray data;
    bool periodic = false;   ///< sent by the periodic timer
    bool binary = false;
    MessageCause cause {};      ///< the rule that sent it, if one did
};

using What = std::variant<Listening, Stopped, Connected, Refused, Disconnected, Received, Sent, Warning, CaptureState,
                          ClusterState, ServerJoined, ServerLeft, Gap, Dropped, ClusterWarning, RemoteRefused,
                          Connecting, ConnectedToServer, ServerCertificate, ConnectFailed, ConnectionLost,
                          Reconnecting, FromServer, ToServer>;

struct Event {
    qint64 timeMs = 0;   ///< ms since the epoch
    What what;

    template<typename Kind>
    const Kind *as() const { return std::get_if<Kind>(&what); }
    template<typename Kind>
    bool is() const { return std::holds_alternative<Kind>(what); }

    /** A message (received or sent, server or client side), not an event about one. */
    bool isMessage() const;
    /** Shown as a problem: a warning, a refusal, a failure, a gap. */
    bool isProblem() const;
    /** The message's bytes; empty for events that are not messages. */
    QByteArray data() const;
    /** The client of this server the line is about; 0 if none (or a client of another server). */
    quint64 localClient() const;
};

/** An event of now. */
Event now(What what);

/** One handler per kind, for std::visit(Log::Overloaded { [](const Log::Connected &e) { ... }, ... }, event.what). */
template<typename... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template<typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

} // namespace Log
