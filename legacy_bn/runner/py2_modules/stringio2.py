"""StringIO / cStringIO for Python 2 files: io.StringIO (text only: Python 2 code that put
binary data in a StringIO needs io.BytesIO)."""
import io

StringIO = io.StringIO
InputType = OutputType = io.StringIO
