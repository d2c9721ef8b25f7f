"""The one exception type a user ever sees from ganlab: a one-line, human message."""


class GanlabError(ValueError):
    """Bad input (a hyperparameter, a file, a name) described in one line.

    The CLI prints it as ``error: <message>`` and exits with status 2; the UI shows it
    in a message box. It never carries a stack trace to the user.
    """

    def __init__(self, message: object = ""):
        # One line, whatever was quoted into it (a user's text may hold newlines or tabs).
        super().__init__(" ".join(str(message).split()))
