#include "deploy/StageNames.h"

#include <QObject>
#include <QRegularExpression>

namespace athanor::ui {

bool looksLikeProduction(const QString& stage) {
    static const QRegularExpression pattern(QStringLiteral("(^|[-_.])(prod|production|prd|live)($|[-_.0-9])"),
                                            QRegularExpression::CaseInsensitiveOption);
    return pattern.match(stage).hasMatch();
}

bool isValidStageName(const QString& stage, QString* why) {
    auto fail = [why](const QString& reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (stage.trimmed().isEmpty())
        return fail(QObject::tr("A stage needs a name."));
    if (stage != stage.trimmed())
        return fail(QObject::tr("A stage name cannot start or end with spaces."));
    if (stage.contains(QLatin1Char('/')) || stage.contains(QLatin1Char('\\')))
        return fail(QObject::tr("A stage name cannot contain / or \\."));
    if (stage.startsWith(QLatin1Char('.')))
        return fail(QObject::tr("A stage name cannot start with a dot."));
    return true;
}

} // namespace athanor::ui
