//! `$/progress` while the corpus is read, for editors that show work done progress. The
//! token is asked for first (`window/workDoneProgress/create`) and used only once the editor
//! has said yes, as the protocol asks; a read that ends before then is reported whole.

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{Notification as _, Progress as ProgressNotification};
use lsp_types::request::{Request as _, WorkDoneProgressCreate};
use lsp_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, WorkDoneProgress, WorkDoneProgressBegin,
    WorkDoneProgressCreateParams, WorkDoneProgressEnd,
};

const TITLE: &str = "galley: reading the pages";

enum State {
    Idle,
    /// The token is asked for; `ended` holds the end's message if the work ended meanwhile.
    Asked {
        token: String,
        ended: Option<String>,
    },
    Begun {
        token: String,
    },
}

pub struct Progress {
    /// Whether the editor shows work done progress.
    supported: bool,
    state: State,
    /// Counts the tokens asked for: each is new.
    asked: u32,
}

impl Progress {
    pub fn new(supported: bool) -> Self {
        Progress {
            supported,
            state: State::Idle,
            asked: 0,
        }
    }

    /// Work begins: a token is asked for (a work still shown is ended first).
    pub fn begin(&mut self, sender: &Sender<Message>) {
        if !self.supported {
            return;
        }
        self.end(sender, "started again".to_string());
        self.asked += 1;
        let token = format!("galley-progress-{}", self.asked);
        let params = WorkDoneProgressCreateParams {
            token: NumberOrString::String(token.clone()),
        };
        let id = RequestId::from(token.clone());
        let request = Request::new(id, WorkDoneProgressCreate::METHOD.to_string(), params);
        send(sender, request.into());
        self.state = State::Asked { token, ended: None };
    }

    /// The work ended, as `message` says.
    pub fn end(&mut self, sender: &Sender<Message>, message: String) {
        match &mut self.state {
            State::Idle => {}
            State::Asked { ended, .. } => *ended = Some(message),
            State::Begun { token } => {
                notify(sender, token, WorkDoneProgress::End(end(message)));
                self.state = State::Idle;
            }
        }
    }

    /// The editor's answer to a request of the server's: when it gives the token asked for,
    /// the progress is shown (and ended at once if the work is done).
    pub fn answered(&mut self, sender: &Sender<Message>, response: &Response) {
        let State::Asked { token, ended } = &mut self.state else {
            return;
        };
        if response.id != RequestId::from(token.clone()) {
            return;
        }
        if response.response_result.is_err() {
            self.state = State::Idle;
            return;
        }
        let begin = WorkDoneProgressBegin {
            title: TITLE.to_string(),
            ..WorkDoneProgressBegin::default()
        };
        notify(sender, token, WorkDoneProgress::Begin(begin));
        self.state = match ended.take() {
            Some(message) => {
                notify(sender, token, WorkDoneProgress::End(end(message)));
                State::Idle
            }
            None => State::Begun {
                token: token.clone(),
            },
        };
    }
}

fn end(message: String) -> WorkDoneProgressEnd {
    WorkDoneProgressEnd {
        message: Some(message),
    }
}

fn notify(sender: &Sender<Message>, token: &str, progress: WorkDoneProgress) {
    let params = ProgressParams {
        token: NumberOrString::String(token.to_string()),
        value: ProgressParamsValue::WorkDone(progress),
    };
    let notification = Notification::new(ProgressNotification::METHOD.to_string(), params);
    send(sender, notification.into());
}

fn send(sender: &Sender<Message>, message: Message) {
    // A failed send means the editor is gone: the loop finds out on its next read.
    let _ = sender.send(message);
}
