// A video consultation: signalling through the hub (`/api/v1/video/{room}`, VideoSignalling.swift), media straight
// between the two browsers. No STUN or TURN server is configured: nothing may be fetched from another origin, so
// calls connect where the two browsers can reach each other directly (the same network, or host candidates that
// route).
//
// Who offers: the participant who arrives second (their `ready` says the peer is present). The first only answers,
// so two offers never cross.

import {api, accessToken, socketURL} from '/console/api.js';
import {h, heading, errorBox} from '/console/dom.js';
import {formatTime, APPOINTMENT_TYPES} from '/console/format.js';

export async function render(main, {params, account}) {
  const id = Number(params.id);
  let appointment;
  try {
    ({appointment} = await api.get(`/api/v1/appointments/${id}`));
  } catch (error) {
    main.append(heading(1, 'Video consultation'), errorBox(error));
    return;
  }
  const other = account.role === 'patient' ? appointment.staffName : appointment.patientName ?? 'the patient';
  const status = h('p', {class: 'video-status', role: 'status', 'data-test': 'video-status'}, 'Starting…');
  const remote = h('video', {class: 'video-remote', autoplay: true, playsinline: true, 'data-test': 'video-remote', 'aria-label': `Video of ${other}`});
  const local = h('video', {class: 'video-local', autoplay: true, playsinline: true, muted: true, 'data-test': 'video-local', 'aria-label': 'Your own video'});
  local.muted = true;
  const mute = h('button', {type: 'button', class: 'button secondary', 'aria-pressed': 'false', 'data-test': 'video-mute'}, 'Mute microphone');
  const camera = h('button', {type: 'button', class: 'button secondary', 'aria-pressed': 'false', 'data-test': 'video-camera'}, 'Turn camera off');
  const hangup = h('button', {type: 'button', class: 'button danger', 'data-test': 'video-hangup'}, 'Hang up');
  main.append(heading(1, `Video consultation with ${other}`),
    h('p', {class: 'muted'}, `${APPOINTMENT_TYPES[appointment.type]}, ${formatTime(appointment.start)}. `, h('a', {href: `#/appointments/${id}`}, 'Appointment details')),
    status, h('div', {class: 'video-stage'}, remote, local), h('div', {class: 'actions video-controls'}, mute, camera, hangup));

  if (!appointment.videoRoom) {
    status.textContent = 'This appointment has no video room.';
    return;
  }

  let stream = null;
  let socket = null;
  let peer = null;
  let pendingIce = [];
  let ended = false;

  const say = (text) => { status.textContent = text; };
  const send = (message) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));

  try {
    stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
    local.srcObject = stream;
  } catch (error) {
    say(`Your camera or microphone could not be used (${error.name}). You can still see and hear ${other}.`);
    mute.disabled = true;
    camera.disabled = true;
  }

  function newPeer() {
    peer?.close();
    pendingIce = [];
    peer = new RTCPeerConnection({iceServers: []});
    if (stream) for (const track of stream.getTracks()) peer.addTrack(track, stream);
    else {
      peer.addTransceiver('audio', {direction: 'recvonly'});
      peer.addTransceiver('video', {direction: 'recvonly'});
    }
    peer.addEventListener('icecandidate', (event) => send({type: 'ice', candidate: event.candidate ? event.candidate.toJSON() : null}));
    peer.addEventListener('track', (event) => { remote.srcObject = event.streams[0] ?? new MediaStream([event.track]); });
    peer.addEventListener('connectionstatechange', () => {
      const words = {connected: `Connected with ${other}.`, disconnected: 'The connection is interrupted…', failed: 'The call could not connect directly between the two devices.', connecting: 'Connecting…'};
      if (words[peer.connectionState]) say(words[peer.connectionState]);
    });
  }

  async function offer() {
    newPeer();
    const description = await peer.createOffer();
    await peer.setLocalDescription(description);
    send({type: 'offer', sdp: peer.localDescription.sdp});
    say(`Calling ${other}…`);
  }

  async function flushIce() {
    for (const candidate of pendingIce) await peer.addIceCandidate(candidate).catch(() => {});
    pendingIce = [];
  }

  async function onMessage(message) {
    switch (message.type) {
      case 'ready':
        if (message.peerPresent) await offer();
        else {
          newPeer();
          say(`Waiting for ${other} to join…`);
        }
        break;
      case 'peer-joined':
        newPeer();
        say(`${other} is joining…`);
        break;
      case 'offer':
        if (!peer || peer.signalingState !== 'stable') newPeer();
        await peer.setRemoteDescription({type: 'offer', sdp: message.sdp});
        await flushIce();
        await peer.setLocalDescription(await peer.createAnswer());
        send({type: 'answer', sdp: peer.localDescription.sdp});
        break;
      case 'answer':
        await peer?.setRemoteDescription({type: 'answer', sdp: message.sdp});
        await flushIce();
        break;
      case 'ice':
        // Candidates can overtake the description they belong to.
        if (!message.candidate) break;
        if (peer?.remoteDescription) await peer.addIceCandidate(message.candidate).catch(() => {});
        else pendingIce.push(message.candidate);
        break;
      case 'peer-left':
        remote.srcObject = null;
        newPeer();
        say(`${other} left the call. You can wait here for them to join again.`);
        break;
      case 'closing':
        say(`The call ended: ${message.reason}.`);
        ended = true;
        break;
      case 'error':
        if (!/not joined yet/.test(message.message)) say(`Signalling: ${message.message}`);
        break;
      default:
        break;
    }
  }

  try {
    const token = await accessToken();
    socket = new WebSocket(socketURL(`/api/v1/video/${encodeURIComponent(appointment.videoRoom)}`));
    socket.addEventListener('open', () => socket.send(JSON.stringify({type: 'hello', token})));
    socket.addEventListener('message', (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      onMessage(message).catch((error) => say(`The call ran into a problem: ${error.message}`));
    });
    socket.addEventListener('close', () => { if (!ended) say('The connection to the hub closed. Leave and join again to retry.'); });
  } catch (error) {
    say(`Could not join: ${error.message}`);
  }

  mute.addEventListener('click', () => {
    const tracks = stream?.getAudioTracks() ?? [];
    const muted = mute.getAttribute('aria-pressed') !== 'true';
    for (const track of tracks) track.enabled = !muted;
    mute.setAttribute('aria-pressed', String(muted));
    mute.textContent = muted ? 'Unmute microphone' : 'Mute microphone';
  });
  camera.addEventListener('click', () => {
    const tracks = stream?.getVideoTracks() ?? [];
    const off = camera.getAttribute('aria-pressed') !== 'true';
    for (const track of tracks) track.enabled = !off;
    camera.setAttribute('aria-pressed', String(off));
    camera.textContent = off ? 'Turn camera on' : 'Turn camera off';
  });

  function end() {
    ended = true;
    socket?.close(1000);
    peer?.close();
    for (const track of stream?.getTracks() ?? []) track.stop();
  }
  hangup.addEventListener('click', () => {
    end();
    location.hash = `#/appointments/${id}`;
  });
  return end;
}
