"""The profile's schema: the field kinds, the declared profile, the one builder of a Profile, its JSON Schema and its
template.

Layered on the ground floor only (money, uscc, data): nothing here imports the parameters, the rules, the engine, the
views or the commands.
"""
