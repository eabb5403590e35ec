// SPDX-License-Identifier: MIT
#pragma once

#include <optional>

#include <QByteArray>
#include <QString>

/** What a compose line means when its "Hex" box is ticked. */
namespace HexInput {

/**
 * "48 65 6c 6c 6f", "48656c6c6f", "0x48 0x65" or "48:65-6c" as bytes;
 * nothing if a character is not a hex digit or a separator, or a byte is
 * missing its second digit.
 */
std::optional<QByteArray> parse(const QString &text);

/** The bytes a compose line sends: its UTF-8, or with @p hex its parse(); nothing if that fails. */
std::optional<QByteArray> composed(const QString &text, bool hex);

} // namespace HexInput
