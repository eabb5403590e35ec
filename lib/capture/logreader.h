// SPDX-License-Identifier: MIT
#pragma once

#include "capture/capturereader.h"

#include <QByteArrayView>

/**
 * A SpreadSite JSON Lines log (--log-format jsonl, Log::json()) read back as
 * a Recording: each "received" event of a local client (no "origin") is one
 * message of its "client", at its "time" (ms). Its bytes come from "base64"
 * when present, then "hex", then "text" (plain UTF-8 whenever there is no
 * base64: DisplayText::escaped only writes \xNN into text that also gets a
 * base64 field). Empty lines are skipped; any other line must be a JSON object.
 */
class LogReader
{
public:
    /** True if @p data starts (after blank lines) with a line that is a JSON object. */
    static bool looksLikeLog(QByteArrayView data);
    static std::optional<Recording> read(QByteArrayView data, QString *error);
};
