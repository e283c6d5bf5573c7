"""callbacks.RemoteMonitor posts each epoch's logs to a server (a local one here)."""
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np

from legacy_bn.callbacks import RemoteMonitor
from legacy_bn.layers.core import Dense
from legacy_bn.models import Sequential


def test_posts_mean_batch_logs_and_epoch_logs(capsys):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers['Content-Length'])).decode('ascii')
            received.append((self.path, json.loads(urllib.parse.parse_qs(body)['data'][0])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        model = Sequential()
        model.add(Dense(2, 1))
        model.compile(loss='mse', optimizer='sgd')
        X, y = np.ones((5, 2)), np.zeros((5, 1))
        monitor = RemoteMonitor(root='http://127.0.0.1:%d' % server.server_port)
        history = model.fit(X, y, batch_size=2, nb_epoch=2, verbose=0, shuffle=False,
                            validation_data=(X, y), callbacks=[monitor])
    finally:
        server.shutdown()
        server.server_close()
    assert [path for path, _ in received] == ['/publish/epoch/end/'] * 2
    first = received[0][1]
    assert first['epoch'] == 0 and first['size'] == (2 * 2 + 2 * 2 + 1 * 1) / 5
    assert first['batch'] == (0 * 2 + 1 * 2 + 2 * 1) / 5
    np.testing.assert_allclose(first['val_loss'], history.history['val_loss'][0])
    assert capsys.readouterr().out == ''


def test_an_unreachable_server_is_a_printed_warning(capsys):
    monitor = RemoteMonitor(root='http://127.0.0.1:9', timeout=1)
    monitor.on_epoch_begin(0)
    monitor.on_batch_end(0, {'size': 3, 'loss': 0.5})
    monitor.on_epoch_end(0, {})
    assert capsys.readouterr().out == ('Warning: could not reach RemoteMonitor root server at '
                                       'http://127.0.0.1:9\n')
