"""The courses panel of the association officer's dashboard (``accounts.dashboard``): the courses the association
issues, with their enrolments and completions. Registered from CoursesConfig.ready()."""

from accounts.dashboard import register_panel


def association_courses_context(*, association, user) -> dict:
    from courses.selectors import association_course_figures

    return {"courses": association_course_figures(association=association)}


def association_dashboard_register() -> None:
    register_panel(
        "courses", order=20, template="courses/association_dashboard_panel.html", context=association_courses_context
    )
