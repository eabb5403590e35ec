// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>

class QWidget;

/**
 * The non-modal file dialog in which the rules and the saved messages are
 * imported and exported as JSON: one way to ask, one remembered folder
 * (settings key `files/lastJsonDirectory`), the same filters.
 */
namespace JsonFileDialog {

enum class Purpose { Import, Export };

/**
 * Opens the dialog over @p window with @p title and @p fileKind ("Rules",
 * "Saved messages": the filter's name); @p chosen gets the file picked.
 * @p objectName names the dialog for tests.
 */
void open(QWidget *window, Purpose purpose, const QString &title, const QString &fileKind, const QString &objectName,
          std::function<void(const QString &path)> chosen);

} // namespace JsonFileDialog
