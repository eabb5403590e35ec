// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QString>

/**
 * The reasons lib gives (core/reasons.h: refusals, disconnects, TLS
 * failures) in the user's language. lib keeps them English because they
 * are protocol: a refused client reads them, logs are grepped for them.
 * The windows show ReasonText::translated() instead.
 */
class ReasonText
{
    Q_DECLARE_TR_FUNCTIONS(ReasonText)

public:
    /**
     * @p englishReason translated, argument included: "too many connections
     * from ADDR", "dropped by the server: TEXT", "TLS handshake failed: X"
     * (X translated too when it is a known reason), "no handshake within N
     * ms". A text that is none of them (a socket error, which Qt translates
     * itself) comes back unchanged.
     */
    static QString translated(const QString &englishReason);
};
