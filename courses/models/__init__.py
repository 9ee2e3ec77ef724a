"""Courses: pages trainers write (pages), what the platform records (records), the skills framework (skills)."""

from courses.models.pages import CourseIndexPage, CoursePage, EnrolmentMode, Language, LessonPage, Level, Track
from courses.models.records import CourseCompletion, Enrolment, LessonProgress, QuizAttempt
from courses.models.skills import Skill

__all__ = [
    "CourseCompletion",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentMode",
    "Language",
    "LessonPage",
    "LessonProgress",
    "Level",
    "QuizAttempt",
    "Skill",
    "Track",
]
