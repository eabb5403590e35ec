// SPDX-License-Identifier: MIT
#pragma once

#include <QSslConfiguration>
#include <QString>

#include <optional>

/**
 * TLS configurations from PEM files, as the command lines and the windows
 * name them. On failure they return nothing and say why in @p error.
 */
namespace TlsFiles {

/**
 * The server's certificate (chain) and key; with @p caFile, clients must
 * present a certificate signed by one of its CAs (mutual TLS).
 */
std::optional<QSslConfiguration> serverConfiguration(const QString &certFile, const QString &keyFile,
                                                     const QString &caFile, QString *error);

/**
 * Verifies the server against @p caFile, or against the system's store when
 * it is empty; @p certFile and @p keyFile, if given, are the client's own.
 */
std::optional<QSslConfiguration> clientConfiguration(const QString &caFile, const QString &certFile,
                                                     const QString &keyFile, QString *error);

} // namespace TlsFiles
