// SPDX-License-Identifier: MIT
#pragma once

#include <QLatin1StringView>
#include <QtGlobal>

/**
 * What the bridge accepts from the cluster, and the words it uses for what it
 * refuses. The reasons are protocol and log words, like core/reasons.h: the
 * console and the JSON Lines carry them ("cluster: warning: refused 3 messages
 * from evil: line feed in message"), scripts grep for them, so they never pass
 * through tr(). %1 and %2, where present, are filled in with QString::arg().
 */
namespace ClusterWire {

// Bounds of a presence message (README, "Cluster (NATS)", "What is refused").
inline constexpr qsizetype PresenceMaxBytes = 4096;        ///< ours is about 150 bytes
inline constexpr qsizetype PresenceMaxHostBytes = 255;     ///< a DNS name is at most 253
inline constexpr int PresenceMinIntervalMs = 10;           ///< what start() allows at least
inline constexpr int PresenceMaxIntervalMs = 60 * 1000;    ///< a dead peer is kept 3 intervals
inline constexpr qint64 PresenceMaxLastSeq = qint64(1) << 53;   ///< exact in a JSON number
inline constexpr qsizetype PresenceMaxFramingBytes = 128;       ///< a Framing::spec() is at most about 60

} // namespace ClusterWire

namespace ClusterReasons {

inline constexpr QLatin1StringView MessageTooLong { "message too long" };
inline constexpr QLatin1StringView LineFeedInMessage { "line feed in message" };
inline constexpr QLatin1StringView NotOneFrame { "not one %1 frame" };   ///< %1: the local Framing::spec()
/** Said once per peer: %1 the peer, %2 its framing, %3 ours. */
inline constexpr QLatin1StringView OtherFraming { "server %1 frames by %2, this server by %3: its messages are refused" };
/** Spread-Origin is missing or names another server than the subject does. */
inline constexpr QLatin1StringView ForgedOrigin { "origin header does not match the subject" };
inline constexpr QLatin1StringView BadHeader { "missing or unreadable header %1" };   ///< %1: Spread-Client, Spread-Seq, Spread-Time
inline constexpr QLatin1StringView BadPresence { "bad presence: %1" };                ///< %1: one of the Presence* words below
inline constexpr QLatin1StringView SequenceWentBack { "sequence number went back from %1 to %2" };   ///< %1 the last seen, %2 this one

// What is wrong with a presence message (%1 of BadPresence).
inline constexpr QLatin1StringView PresenceTooLarge { "too large" };
inline constexpr QLatin1StringView PresenceNotAnObject { "not a JSON object" };
inline constexpr QLatin1StringView PresenceBadEvent { "event" };
inline constexpr QLatin1StringView PresenceBadHost { "host" };
inline constexpr QLatin1StringView PresenceBadPort { "port" };
inline constexpr QLatin1StringView PresenceBadClients { "clients" };
inline constexpr QLatin1StringView PresenceBadInterval { "intervalMs" };
inline constexpr QLatin1StringView PresenceBadLastSeq { "lastSeq" };
inline constexpr QLatin1StringView PresenceBadFraming { "framing" };

} // namespace ClusterReasons
