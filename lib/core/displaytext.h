// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
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

} // namespace DisplayText
