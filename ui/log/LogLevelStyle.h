#pragma once

#include "events/EngineEvent.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace athanor::ui {

// How a log level looks: its short label and a colour that stays readable on light and dark palettes.
namespace LogLevelStyle {

QString label(athanor::LogLevel level); // "TRACE" .. "ERROR"
QColor color(athanor::LogLevel level, const QPalette& palette);
// For text that should recede (timestamps, resource paths).
QColor mutedColor(const QPalette& palette);
bool isDark(const QPalette& palette);

} // namespace LogLevelStyle

} // namespace athanor::ui
