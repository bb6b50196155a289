#include "log/LogLevelStyle.h"

#include "widgets/ThemeColors.h"

namespace athanor::ui::LogLevelStyle {

QString label(athanor::LogLevel level) {
    switch (level) {
    case athanor::LogLevel::Trace:
        return QStringLiteral("TRACE");
    case athanor::LogLevel::Debug:
        return QStringLiteral("DEBUG");
    case athanor::LogLevel::Info:
        return QStringLiteral("INFO");
    case athanor::LogLevel::Warn:
        return QStringLiteral("WARN");
    case athanor::LogLevel::Error:
        return QStringLiteral("ERROR");
    }
    return QStringLiteral("INFO");
}

bool isDark(const QPalette& palette) {
    return ThemeColors(palette).isDark();
}

QColor color(athanor::LogLevel level, const QPalette& palette) {
    const ThemeColors colors(palette);
    switch (level) {
    case athanor::LogLevel::Trace:
    case athanor::LogLevel::Debug:
        return colors.muted();
    case athanor::LogLevel::Info:
        return palette.color(QPalette::Text);
    case athanor::LogLevel::Warn:
        return colors.warning();
    case athanor::LogLevel::Error:
        return colors.danger();
    }
    return palette.color(QPalette::Text);
}

QColor mutedColor(const QPalette& palette) {
    return ThemeColors(palette).muted();
}

} // namespace athanor::ui::LogLevelStyle
