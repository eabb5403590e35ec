// SPDX-License-Identifier: MIT
#pragma once

#include <QLoggingCategory>

// The windows' diagnostics (QT_LOGGING_RULES="spread.ui.debug=true"); lib's
// categories are in core/logcategories.h.
Q_DECLARE_LOGGING_CATEGORY(lcUi)   // spread.ui
