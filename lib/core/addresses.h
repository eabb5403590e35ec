// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QPair>
#include <QString>

#include <optional>

/** Addresses and subnets as people type them, for --bind and --allow and their fields in the window. */
namespace Addresses {

using Subnet = QPair<QHostAddress, int>;

/** An IPv4 or IPv6 address, "any" or "*" (all interfaces), or "localhost". */
std::optional<QHostAddress> parseBind(const QString &text);

/** "10.0.0.0/8", "::1/128", or a single address (its whole prefix). */
std::optional<Subnet> parseSubnet(const QString &text);

/** A subnet as parseSubnet() reads it: a single address without its prefix. */
QString subnetText(const Subnet &subnet);

/**
 * "127.0.0.1:50123", "[::1]:50123" or "gateway.example:8007": how every log
 * line, table and window writes a host and port. An IPv6 literal gets its
 * brackets; port 0 (unknown) is left out.
 */
QString hostPortText(const QString &host, quint16 port);
/** A connected peer as hostPortText() writes it. */
QString peerText(const QHostAddress &address, quint16 port);

} // namespace Addresses
