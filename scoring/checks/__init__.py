"""The checks of a framework file, split by what they check; ``scoring.loader`` runs them.

``yaml_tree`` turns the YAML text into a tree that remembers lines, refusing shapes no
framework has; ``values`` reads typed values out of it and collects problems; ``structure``
checks the framework, its cycle, dimensions and indicators; ``questions`` each question with
its options, levels, bounds and thresholds; ``conditions`` the ``when`` of questions;
``bands`` peer groups and bands; ``award_rules`` the awards; ``consistency`` the answers that
must not go together.
"""
