// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>
#include <QString>

/**
 * Bytes are bytes: messages travel unchanged. These turn them into text a
 * person can read, without ever failing on what a device sent.
 */
namespace DisplayText {

/** True if @p bytes are valid UTF-8 with no control characters but tab. */
bool isPlainText(QByteArrayView bytes);

/** Valid UTF-8 as it is; invalid bytes and control characters as \xNN. */
QString escaped(QByteArrayView bytes);

/** "68 65 6c 6c 6f", every byte in hexadecimal. */
QString hex(QByteArrayView bytes);

/**
 * Bytes typed in hexadecimal: "48 65 6c 6c 6f", "48656c6c6f", "0x48 0x65" or
 * "48:65-6c"; nothing if a character is not a hex digit or a separator, or a
 * byte is missing its second digit.
 */
std::optional<QByteArray> parseHex(QStringView text);

} // namespace DisplayText
