// SPDX-License-Identifier: MIT
#include "widgets/uilogging.h"

Q_LOGGING_CATEGORY(lcUi, "spread.ui")
