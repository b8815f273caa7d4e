#!/usr/bin/python3
"""Recipe yardstick (issue 19, docs/laptop-recipe.md): ../shared/tools/torch_dice_yardstick.py with the
recipe's knobs: batch, warm-up + cosine, augmentation ranges, the weights' moving average; flush-denormal, 1 thread.
env: SEED LOSS=dice|dicebce BATCH=8 LR=1e-3 WARMUP=0 (epochs) SCHED=constant|cosine AUG=0|1 ROT=3 SHIFT=0.01 ZOOM=0.01 AVG=0 (decay)
     BRIGHT=0 (factor 1±r through 8-bit levels) CSHIFT=0 (grey levels, clipped to the slice's range), as the app's intensity augmentation
usage: /usr/bin/python3 scripts/torch_recipe_yardstick.py size epochs [reverse]   one JSON line: per-epoch held-out Dice, best."""
import gzip, json, sys, time, math, os, numpy as np, torch, torch.nn.functional as F
HERE = os.path.dirname(os.path.abspath(__file__)); sys.path.insert(0, os.path.join(HERE, '..', '..', 'shared', 'tools'))
from torch_unet_step import UNet, dice_loss
torch.set_flush_denormal(True); torch.set_num_threads(1)
R=os.path.join(HERE, '..', '..', 'shared', 'reference', 'pipeline', '')
def load(p):
    m=json.load(open(R+p+'.json')); n,h,w=m['kept'],m['height'],m['width']
    im=np.frombuffer(gzip.open(R+p+'.images.u8.gz').read(),np.uint8).reshape(n,1,h,w).astype(np.float32)/255
    mk=np.frombuffer(gzip.open(R+p+'.masks.u8.gz').read(),np.uint8).reshape(n,1,h,w).astype(np.float32)
    return torch.tensor(im),torch.tensor(mk)
S=int(sys.argv[1]); EP=int(sys.argv[2]); REV='reverse' in sys.argv[3:]
E=os.environ.get
B=int(E('BATCH','8')); LR=float(E('LR','1e-3')); WU=float(E('WARMUP','0')); SCH=E('SCHED','constant'); AUG=E('AUG','0')=='1'
ROT=float(E('ROT','3')); SHIFT=float(E('SHIFT','0.01')); ZOOM=float(E('ZOOM','0.01')); BRIGHT=float(E('BRIGHT','0')); CSHIFT=float(E('CSHIFT','0'))
train_p,held_p=('3Dircadb1.1','3Dircadb1.17') if REV else ('3Dircadb1.17','3Dircadb1.1')
xi,yi=load(train_p); xv,yv=load(held_p)
rs=lambda t: F.interpolate(t,size=(S,S),mode='bilinear',align_corners=False)
xi,yi=rs(xi),(rs(yi)>0.5).float(); xv_s=rs(xv)
torch.manual_seed(int(E("SEED", "0")))
net=UNet(8); opt=torch.optim.Adam(net.parameters(),LR)
AVG=float(E('AVG','0')); shadow=[p.detach().clone() for p in net.parameters()]; nup=0
per=math.ceil(xi.shape[0]/B); total=per*EP; wsteps=round(WU*per)
def lr_at(s):
    if s<wsteps: return LR*(s+1)/wsteps
    t=min(1,(s-wsteps)/max(1,total-wsteps))
    return LR*(1+math.cos(math.pi*t))/2 if SCH=='cosine' else LR
def aug(x,y):
    n=x.shape[0]; th=(torch.rand(n)*2*ROT-ROT)*np.pi/180
    z=torch.rand(n,2)*2*ZOOM+1-ZOOM; tx=torch.rand(n,2)*2*SHIFT-SHIFT
    A=torch.zeros(n,2,3); c,s=torch.cos(th),torch.sin(th)
    A[:,0,0]=c/z[:,0];A[:,0,1]=-s;A[:,1,0]=s;A[:,1,1]=c/z[:,1];A[:,:,2]=tx*2
    g=F.affine_grid(A,x.shape,align_corners=False)
    x,y=F.grid_sample(x,g,padding_mode='border',align_corners=False),F.grid_sample(y,g,padding_mode='border',align_corners=False)
    if CSHIFT:
        lo=x.amin(dim=(1,2,3),keepdim=True); hi=x.amax(dim=(1,2,3),keepdim=True)
        x=torch.minimum(hi,torch.maximum(lo,x+(torch.rand(n,1,1,1)*2-1)*CSHIFT/255))
    if BRIGHT:
        f=(torch.rand(n,1,1,1)*2*BRIGHT+1-BRIGHT).float()
        x=torch.clamp(torch.trunc(f*torch.trunc(x*255)),0,255)/255
    return x,y
t0=time.time(); step=0; best=(0,0); ds=[]
for ep in range(EP):
    perm=torch.randperm(xi.shape[0]); net.train()
    for i in range(0,len(perm),B):
        for g in opt.param_groups: g['lr']=lr_at(step)
        step+=1
        b=perm[i:i+B]; x,y=xi[b],yi[b]
        if AUG: x,y=aug(x,y)
        opt.zero_grad(); p=net(x); l=dice_loss(y,p)+(F.binary_cross_entropy(p.clamp(1e-6,1-1e-6),y) if E('LOSS')=='dicebce' else 0); l.backward(); opt.step()
        if AVG:
            d=min(AVG,(1+nup)/(10+nup)); nup+=1
            with torch.no_grad():
                for sh,p in zip(shadow,net.parameters()): sh.mul_(d).add_(p.detach(),alpha=1-d)
    net.eval()
    if AVG:
        trained=[p.detach().clone() for p in net.parameters()]
        with torch.no_grad():
            for sh,p in zip(shadow,net.parameters()): p.copy_(sh)
    with torch.no_grad():
        p=torch.cat([net(xv_s[i:i+16]) for i in range(0,xv_s.shape[0],16)])
        p=F.interpolate(p,size=xv.shape[-2:],mode='bilinear',align_corners=False)>0.5
        inter=(p*yv.bool()).sum().item(); d=2*inter/(p.sum().item()+yv.sum().item())
    if AVG:
        with torch.no_grad():
            for t,p in zip(trained,net.parameters()): p.copy_(t)
    ds.append(d)
    if d>best[0]: best=(d,ep+1)
print(json.dumps({'seed':int(E('SEED','0')),'rev':REV,'size':S,'epochs':EP,'batch':B,'lr':LR,'warmup':WU,'sched':SCH,'loss':E('LOSS','dice'),'aug':AUG,'avg':AVG,'rot':ROT,'shift':SHIFT,'zoom':ZOOM,'bright':BRIGHT,'cshift':CSHIFT,'best':round(best[0],4),'bestEpoch':best[1],'last':round(ds[-1],4),'dice':[round(d,3) for d in ds],'s':round(time.time()-t0,1)}),flush=True)
