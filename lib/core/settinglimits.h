// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <limits>

/**
 * Every limit and numeric option of spread-server and echo-client, declared
 * once: its default, its range, its unit and the words of its --help line.
 * The defaults of SpreadServer::Settings, SessionEngine::Limits, EchoClient
 * and the option structs, the command-line parsers (lib/console/options.cpp)
 * and the windows' spin boxes (ui/widgets/limitfield.h) all read them here,
 * so the command line and the windows cannot disagree again.
 *
 * Values are in the unit the program stores (bytes, ms); Unit says how a
 * user types and reads them.
 */
namespace Limits {

enum class Unit {
    Count,          ///< clients, connections, messages
    Port,
    Bytes,
    Milliseconds,
    Seconds,        ///< stored in ms, typed and shown in seconds with up to three decimals
};

struct Limit
{
    const char *option = nullptr;   ///< the long command-line option, without "--"
    qint64 defaultValue = 0;        ///< may lie outside the range when it means "not given" (--count)
    qint64 minimum = 0;
    qint64 maximum = 0;
    Unit unit = Unit::Count;
    bool zeroMeansNoLimit = false;  ///< 0 is accepted and means "no limit"
    bool byteSuffixes = false;      ///< the command line takes K, M and G (powers of 1024)
    /**
     * The --help line, English (the console programs are not translated);
     * %1, if present, is the default as the user types it.
     */
    const char *help = nullptr;
};

inline constexpr qint64 KiB = 1024;
inline constexpr qint64 MiB = 1024 * KiB;

// spread-server

inline constexpr Limit ServerPort {
    .option = "port", .defaultValue = 8007, .minimum = 0, .maximum = 65535, .unit = Unit::Port,
    .help = "Port to listen on (default %1); 0 picks a free one, printed first.",
};
inline constexpr Limit MaxClients {
    .option = "max-clients", .defaultValue = 10000, .minimum = 1, .maximum = 1000000, .unit = Unit::Count,
    .help = "Most clients at once (default %1); the next gets \"server full\".",
};
inline constexpr Limit MaxMessageBytes {
    .option = "max-message-bytes", .defaultValue = 64 * KiB, .minimum = 1, .maximum = 256 * MiB, .unit = Unit::Bytes,
    .help = "Longest message (default %1); longer drops the sender.",
};
inline constexpr Limit MaxBacklogBytes {
    .option = "max-backlog-bytes", .defaultValue = 4 * MiB, .minimum = 1, .maximum = qint64(1) << 32, .unit = Unit::Bytes,
    .help = "Most unsent bytes per client (default %1); more drops it as too slow.",
};
inline constexpr Limit ServerFlushMs {
    .option = "flush-ms", .defaultValue = 200, .minimum = 0, .maximum = 3600 * 1000, .unit = Unit::Milliseconds,
    .help = "Quiet time after which a line without an ending is a message (default %1; 0: at once).",
};
inline constexpr Limit MaxPerAddress {
    .option = "max-per-ip", .defaultValue = 0, .minimum = 0, .maximum = 1000000, .unit = Unit::Count,
    .zeroMeansNoLimit = true,
    .help = "Most connections from one address; 0: no limit (default %1).",
};
inline constexpr Limit CaptureMaxBytes {
    .option = "capture-max-bytes", .defaultValue = 1024 * MiB, .minimum = 4096, .maximum = qint64(1) << 50,
    .unit = Unit::Bytes, .byteSuffixes = true,
    .help = "Largest --capture file (default %1; K, M, G suffixes); the capture stops there, the file stays whole.",
};
inline constexpr Limit NatsBufferBytes {
    // At most an int: what nats.c's reconnect buffer option takes.
    .option = "nats-buffer", .defaultValue = 8 * MiB, .minimum = 1, .maximum = std::numeric_limits<int>::max(),
    .unit = Unit::Bytes, .byteSuffixes = true,
    .help = "Bytes of messages kept while NATS is unreachable (default %1; K, M, G suffixes).",
};

inline constexpr Limit MaxHandshakes {
    // Each handshake in progress holds OpenSSL state (about 30-60 KiB) and costs a signature:
    // the cap bounds both. A client over the cap waits, unread, inside the handshake deadline.
    .option = "max-handshakes", .defaultValue = 64, .minimum = 1, .maximum = 100000, .unit = Unit::Count,
    .help = "Most TLS handshakes in progress at once (default %1); later clients wait their turn.",
};

/** Not options. A TLS client must finish its handshake in this time. */
inline constexpr int TlsHandshakeTimeoutMs = 10000;
/** A graceful close (stop, drop, SIGTERM): the time to deliver what is queued and see the peer's end. */
inline constexpr int CloseTimeoutMs = 5000;

// echo-client

inline constexpr Limit ClientPort {
    .option = "port", .defaultValue = ServerPort.defaultValue, .minimum = 1, .maximum = 65535, .unit = Unit::Port,
    .help = "Server port (default %1).",
};
inline constexpr Limit Interval {
    // The seed's time.sleep(5).
    .option = "interval", .defaultValue = 5000, .minimum = 1, .maximum = 86400 * 1000, .unit = Unit::Seconds,
    .help = "Seconds between periodic messages (default %1; fractions allowed).",
};
inline constexpr Limit Count {
    .option = "count", .defaultValue = 0, .minimum = 1, .maximum = 1000000000, .unit = Unit::Count,
    .help = "Send this many periodic messages, wait until they are delivered, exit 0.",
};
inline constexpr Limit ClientFlushMs {
    .option = "flush-ms", .defaultValue = ServerFlushMs.defaultValue, .minimum = ServerFlushMs.minimum,
    .maximum = ServerFlushMs.maximum, .unit = Unit::Milliseconds,
    .help = "Quiet time after which received bytes without a line ending are shown (default %1).",
};

/** Not options. The longest line the client takes; longer ends the connection. */
inline constexpr qint64 ClientMaxMessageBytes = 16 * MiB;
inline constexpr int ConnectTimeoutMs = 15000;
/** --reconnect: the first wait after a failure or loss, doubled after each failure up to the second. */
inline constexpr int ReconnectFirstDelayMs = 1000;
inline constexpr int ReconnectMaxDelayMs = 30000;

/** True if @p value is allowed for @p limit. */
constexpr bool contains(const Limit &limit, qint64 value)
{
    return value >= limit.minimum && value <= limit.maximum;
}

static_assert(contains(ServerPort, ServerPort.defaultValue) && contains(MaxClients, MaxClients.defaultValue)
                      && contains(MaxMessageBytes, MaxMessageBytes.defaultValue)
                      && contains(MaxBacklogBytes, MaxBacklogBytes.defaultValue)
                      && contains(ServerFlushMs, ServerFlushMs.defaultValue)
                      && contains(MaxPerAddress, MaxPerAddress.defaultValue)
                      && contains(NatsBufferBytes, NatsBufferBytes.defaultValue)
                      && contains(MaxHandshakes, MaxHandshakes.defaultValue)
                      && contains(ClientPort, ClientPort.defaultValue) && contains(Interval, Interval.defaultValue)
                      && contains(ClientFlushMs, ClientFlushMs.defaultValue),
              "a default outside its range");

} // namespace Limits
