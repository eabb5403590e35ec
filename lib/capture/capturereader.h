// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

/** What a client sent in a recording, in order, with when it was sent. */
struct Recording
{
    /** One piece as it was recorded: a TCP segment's payload (capture) or one message (log). */
    struct Chunk {
        qint64 timeUs = 0;   ///< µs since the epoch
        QByteArray bytes;
    };
    struct Client {
        quint64 id = 0;      ///< the server's client number (capture comment, log "client"), else order of appearance
        QList<Chunk> chunks;
    };
    enum class Source { Pcapng, Pcap, JsonLines };

    Source source = Source::Pcapng;
    /** True for a log: chunks are messages the sender frames; false for a capture: bytes as they crossed. */
    bool framed() const { return source == Source::JsonLines; }
    QList<Client> clients;   ///< ascending id; only clients that sent something

    const Client *client(quint64 id) const;
    QList<quint64> ids() const;
};

/**
 * Reads back what clients sent from a capture (pcapng or classic pcap, told
 * by the file's magic number) or a SpreadSite JSON Lines log (a text file
 * whose first non-empty line is a JSON object; LogReader). A pure reader:
 * no sockets, no output.
 *
 * From a capture, each TCP stream (a 4-tuple; a new SYN starts a new one) is
 * one client: the side that sent the SYN. Its id is the N of the SYN's
 * "SpreadSite ... #N" comment (pcapng), else its order of appearance from 1.
 * Its client-to-server payload is put in sequence order: retransmitted and
 * overlapping bytes are dropped, segments that arrive early wait for the gap
 * before them. Ethernet (with 802.1Q tags) and raw IP link types; IPv4 and
 * IPv6 (no extension headers); TCP with any header length.
 */
class CaptureReader
{
public:
    /** The recording in @p fileName; nothing and @p error (one line, names the file) if it cannot be read. */
    static std::optional<Recording> read(const QString &fileName, QString *error);

    /** A pcapng file's bytes; a truncated or malformed block is an error. */
    static std::optional<Recording> readPcapng(QByteArrayView data, QString *error);
    /** A classic pcap file, read by libpcap. */
    static std::optional<Recording> readPcap(const QString &fileName, QString *error);
};
